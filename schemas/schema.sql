-- DuckDB tables written by `plans run`. The tables and columns are a public
-- contract (docs/tables.md describes each): add, never rename or drop.
-- Every extracted row carries doc_id, start_char, end_char: 0-based,
-- end-exclusive offsets into documents.text, so that
--   substr(d.text, start_char + 1, end_char - start_char) = row.text
-- Column names equal the field names of schemas/records.py.

CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    source_name VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    doc_type VARCHAR,
    number VARCHAR,
    symbol VARCHAR,
    issuer VARCHAR,
    issuer_level VARCHAR,
    locality VARCHAR,
    province VARCHAR,
    province_at_issue VARCHAR,
    admin_code VARCHAR,
    issued_date DATE,
    issued_date_text VARCHAR,
    title VARCHAR,
    title_start INTEGER,
    title_end INTEGER,
    signer VARCHAR,
    signer_title VARCHAR,
    parent_issuer VARCHAR,
    place VARCHAR,
    extraction_method VARCHAR,
    quality VARCHAR,
    content_hash VARCHAR,
    pipeline_version VARCHAR,
    source_path VARCHAR,
    topic VARCHAR,
    topic_evidence VARCHAR,
    topic_start INTEGER,
    topic_end INTEGER
);

-- Databases written before `source_path` existed gain it.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS source_path VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS province_at_issue VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS title_start INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS title_end INTEGER;
-- The topic (core/vocab/topics.toml) and the words that decided it:
--   substr(text, topic_start + 1, topic_end - topic_start) = topic_evidence
ALTER TABLE documents ADD COLUMN IF NOT EXISTS topic VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS topic_evidence VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS topic_start INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS topic_end INTEGER;

-- Every input file a stored document came from. A document is its text
-- (doc_id hashes it): the same text under two paths is one document with
-- two rows here; two files of one name in different folders are two paths.
CREATE TABLE IF NOT EXISTS sources (
    path VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    source_name VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS sections (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR PRIMARY KEY,
    parent_id VARCHAR,
    depth INTEGER,
    label VARCHAR,
    path VARCHAR,
    heading VARCHAR,
    kind VARCHAR,
    style VARCHAR,
    appendix VARCHAR,
    heading_line VARCHAR,  -- the line that opens the section, as written: [start_char, heading_end)
    start_char INTEGER,    -- span of the whole section, heading included
    end_char INTEGER,
    heading_end INTEGER
);

-- Databases written when the heading line was a `text` column (which broke
-- the offsets invariant: the span is the whole section) take the new name;
-- their sections get it back when their documents are processed again.
ALTER TABLE sections ADD COLUMN IF NOT EXISTS heading_line VARCHAR;
ALTER TABLE sections DROP COLUMN IF EXISTS text;

CREATE TABLE IF NOT EXISTS footnotes (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    marker VARCHAR,
    marker_start INTEGER,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

CREATE TABLE IF NOT EXISTS recipients (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    position INTEGER,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

-- Anomalies found while reading a document (numbering mistakes, tasks
-- referred to a missing appendix, ...), with the span that shows them.
CREATE TABLE IF NOT EXISTS document_issues (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    kind VARCHAR,
    message VARCHAR,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

CREATE TABLE IF NOT EXISTS citations (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    doc_type VARCHAR,
    number VARCHAR,
    issued_date DATE,
    issuer VARCHAR,
    issuer_key VARCHAR,    -- comparable form of issuer, joint bodies keyed one by one
    title VARCHAR,
    name VARCHAR,
    cited_key VARCHAR,
    is_short_form BOOLEAN,
    anomalies VARCHAR[],
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER,
    written_key VARCHAR
);
-- The key as written (see Citation.written_key); databases written before it gain it.
ALTER TABLE citations ADD COLUMN IF NOT EXISTS written_key VARCHAR;

-- Databases written before `issuer_key` existed gain it (NULL until their
-- documents are processed again).
ALTER TABLE citations ADD COLUMN IF NOT EXISTS issuer_key VARCHAR;

CREATE TABLE IF NOT EXISTS agencies (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    canonical_name VARCHAR,
    agency_type VARCHAR,
    level VARCHAR,
    source VARCHAR,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

CREATE TABLE IF NOT EXISTS duties (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    duty_id VARCHAR,
    agency VARCHAR,
    agency_type VARCHAR,
    role VARCHAR,
    requested BOOLEAN,
    deadline DATE,
    themes VARCHAR[],
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

CREATE TABLE IF NOT EXISTS dates (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    kind VARCHAR,
    value DATE,
    granularity VARCHAR,
    range_end DATE,        -- last day of a span of years (kind range)
    recurrence VARCHAR,    -- RFC 5545 RRULE of a recurring date
    event VARCHAR,         -- named day the date belongs to
    parser VARCHAR,        -- dateparser | regex
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

CREATE TABLE IF NOT EXISTS targets (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    value DOUBLE,
    unit VARCHAR,
    target_year INTEGER,
    subject VARCHAR,
    direction VARCHAR,     -- giảm | tăng | không phát sinh
    comparator VARCHAR,    -- >=, <=, > for `ít nhất`, `không quá`, `trên`
    cue VARCHAR,           -- phan_dau, quyet_tam, bao_dam, ... or the aim section kind
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

-- Files that could not be read as documents, one row per file (a re-run replaces it).
CREATE TABLE IF NOT EXISTS ingest_errors (
    source_name VARCHAR,
    path VARCHAR,
    problem VARCHAR,
    message VARCHAR,
    seen_at TIMESTAMP DEFAULT current_timestamp
);

-- Partner agencies a task names (`phối hợp với X, Y`), linked to duties.duty_id.
CREATE TABLE IF NOT EXISTS duty_partners (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    duty_id VARCHAR,
    agency VARCHAR,
    agency_type VARCHAR,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

-- One row per cited document (per citations.cited_key), rebuilt from all
-- citations by pipeline.citegraph.refresh after each run: the best-known
-- description, how many documents cite it, and doc_id when it is stored too.
CREATE TABLE IF NOT EXISTS cited_documents (
    cited_key VARCHAR PRIMARY KEY,
    doc_type VARCHAR,
    number VARCHAR,
    issued_date DATE,
    issuer VARCHAR,
    title VARCHAR,
    name VARCHAR,
    n_citing_docs INTEGER,
    n_mentions INTEGER,
    doc_id VARCHAR
);

-- Citation audit findings, rebuilt with cited_documents: one row per mention
-- that shows a problem (kind: date_conflict, issuer_conflict, their _in_plan
-- forms, no_date, ambiguous_key, malformed_number, malformed_date,
-- impossible_date, cited_after_citing, undated_joined, undated_apart),
-- with the span of the mention as evidence.
CREATE TABLE IF NOT EXISTS citation_findings (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    cited_key VARCHAR,
    kind VARCHAR,
    message VARCHAR,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);
-- error (conflicting date or issuer, impossible date), warning (malformed
-- number or date), info (what the text leaves open: ambiguous key, no date).
ALTER TABLE citation_findings ADD COLUMN IF NOT EXISTS severity VARCHAR;
-- The other mention of a conflict inside one document (the value it disagrees with).
ALTER TABLE citation_findings ADD COLUMN IF NOT EXISTS other_start_char INTEGER;
ALTER TABLE citation_findings ADD COLUMN IF NOT EXISTS other_end_char INTEGER;

-- Whether cited_documents and citation_findings follow the stored
-- citations: one row, set false in the transaction that writes documents and
-- true in the one that rebuilds them, so a run killed between the two is
-- seen (`plans trace` says so) and the next run rebuilds them first.
CREATE TABLE IF NOT EXISTS citation_graph (
    fresh BOOLEAN NOT NULL
);

-- The themes of each duty (core/vocab/themes.toml), one row per theme, with
-- the words of the duty's text that show it; linked to duties.duty_id.
-- `layer` is `general` or the topic layer the theme belongs to (a topic
-- layer only for documents of its topics). duties.themes lists the same codes.
CREATE TABLE IF NOT EXISTS duty_themes (
    doc_id VARCHAR NOT NULL,
    duty_id VARCHAR,
    theme VARCHAR,
    layer VARCHAR,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

-- Comparable pieces of each plan (extractors/passages.py), what `plans diff`
-- aligns.
CREATE TABLE IF NOT EXISTS passages (
    doc_id VARCHAR NOT NULL,
    section_id VARCHAR,
    passage_id VARCHAR,
    kind VARCHAR,           -- item | bullet | row | paragraph
    path VARCHAR,
    duty_id VARCHAR,
    target_start INTEGER,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

-- A child plan's passages against the parent it cites (pipeline/diff.py),
-- rebuilt after each run like the citation graph.
CREATE TABLE IF NOT EXISTS passage_links (
    child_doc VARCHAR NOT NULL,
    parent_doc VARCHAR NOT NULL,
    child_passage VARCHAR,
    child_start INTEGER,
    child_end INTEGER,
    parent_passage VARCHAR,
    parent_start INTEGER,
    parent_end INTEGER,
    similarity DOUBLE,      -- 0..1
    label VARCHAR,          -- copied | adapted | new | dropped
    changed VARCHAR,        -- for adapted: `agency, deadline, value, scope` or `wording`
    doc_id VARCHAR,         -- the output contract's names: the child (or one sibling) ...
    passage_id VARCHAR,
    other_doc_id VARCHAR,   -- ... and the parent (NULL for a new passage)
    other_passage_id VARCHAR
);

CREATE TABLE IF NOT EXISTS diff_summary (
    child_doc VARCHAR NOT NULL,
    parent_doc VARCHAR NOT NULL,
    child_passages INTEGER,
    parent_passages INTEGER,
    copied DOUBLE,
    adapted DOUBLE,
    new DOUBLE,
    dropped DOUBLE,
    lag_days INTEGER,
    note VARCHAR
);

-- Equivalent passages of plans citing the same document.
CREATE TABLE IF NOT EXISTS passage_groups (
    cited_key VARCHAR NOT NULL,
    group_id INTEGER,
    doc_id VARCHAR,
    passage_id VARCHAR,
    start_char INTEGER,
    end_char INTEGER,
    plans_in_group INTEGER,
    plans_citing INTEGER,
    spread VARCHAR,         -- all | some | one
    values_differ BOOLEAN
);

-- The stored documents that passage_links, diff_summary and passage_groups
-- reflect, and the code that computed them (pipeline/diff.py): a refresh
-- redoes only the pairs and keys of documents added, re-extracted or gone
-- since; no rows, or another code version, and it rebuilds them whole.
CREATE TABLE IF NOT EXISTS diff_state (
    doc_id VARCHAR NOT NULL,
    pipeline_version VARCHAR,   -- documents.pipeline_version when diffed
    code_version VARCHAR        -- pipeline.run.PIPELINE_VERSION of the refresh
);
