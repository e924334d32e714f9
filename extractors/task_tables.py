"""Appendix task tables -> duties, one per row and agency.

Many plans put their task list in a table (Phụ lục: `| TT | Nhiệm vụ | Cơ
quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Sản phẩm |`).
Tables reach the text as `| a | b |` lines (from the Word and PDF readers,
or typed that way); a table is a task table when its header row names a
task column and a lead column (`vocab/table_columns.toml`). Each data row
gives one duty for every agency of its lead cell (role `chu_tri`), spanning
the task cell; the agencies of its partner cell are partners of those duties
(`duty_partners`, as a prose `phối hợp với X` names one), not duties of their
own; the deadline is read from the time cell (`Quý II/2026` -> the last
day of the quarter). Agency names are those the agency recognizer found
inside the cells, so table duties are named like prose duties. A row with
only a labelled title (`| I | Công tác tuyên truyền | | |`) opens a group:
`group_sections` turns groups into sections, so their duties fall under them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from core.dategrammar import ANY_YEAR, last_day, month, numeric, quarter, quarter_number, verbal
from core.vocab import load
from core.document import Document
from core.normalize import fold_key
from schemas.records import Agency, DateMention, Duty, DutyPartner, Section

_ROW = re.compile(r"^[ \t]*\|(?P<cells>.*)\|[ \t]*$")
_RULE_CELL = re.compile(r"^[\s:\-]*$|^\s*\(?\d{1,2}\)?\s*$")  # `---` or the column numbers `(1)`
_GROUP = re.compile(
    r"""^\s*(?:
        (?P<roman>[IVXLC]{1,7})                  # `I`, `IV`
      | (?P<upper>[A-Z])                         # `A`, `B`
      | (?P<arabic>\d{1,2})                      # `1`, `2`
    )\s*[.)]?(?:\s+(?P<heading>\S.*))?$""",
    re.VERBOSE,
)
_SPLIT = re.compile(r"<br\s*/?>|[;\n]")  # separators of agency names inside a cell

# The time cell: the LAST expression found gives the deadline (`Tháng 6 - tháng 12/2026` -> end of December).
# A cell is short and typed by hand: blanks between words may be missing (`Quý2/2026`).
_CELL_GAP = r"\s*"
_TIME = re.compile(
    rf"""(?<!\w)(?:
        (?:ngày\s*)?{numeric("n", gap=_CELL_GAP, year=ANY_YEAR, stray=None)}   # `30/6/2026`
      | {verbal("v", gap=_CELL_GAP, year=ANY_YEAR)}                             # `ngày 30 tháng 6 năm 2026`
      | {quarter("q", gap=_CELL_GAP, year=ANY_YEAR)}                            # `Quý II/2026`, `quý 3 năm 2026`
      | (?P<half>6\s*tháng\s*(?:đầu|cuối)|\d\s*tháng\s*cuối)\s*năm(?:\s*(?P<hy>\d{{4}}))?  # `6 tháng đầu năm 2026`
      | {month("m", gap=_CELL_GAP, year=ANY_YEAR)}                              # `Tháng 6/2026`, `tháng 6`
      | (?P<bare_m>\d{{1,2}})\s*/\s*(?P<bare_y>\d{{4}})                        # `06/2026`
      | năm\s*(?P<y>\d{{4}})                                                   # `Năm 2026`
      | (?P<y2>20\d{{2}})(?!\s*[/\d])                                          # `2026`
    )""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass
class _Cell:
    start: int
    end: int
    text: str  # from match_text, blanks trimmed


@dataclass
class _Row:
    start: int
    end: int
    cells: list[_Cell]

    def cell(self, col: int | None) -> _Cell | None:
        return self.cells[col] if col is not None and col < len(self.cells) and self.cells[col].text else None


@dataclass
class _Table:
    columns: dict[str, int]  # column kind -> cell index
    rows: list[_Row]  # data and group rows, after the header
    groups: list[tuple[_Row, str, str, str]] = field(default_factory=list)  # (row, label, heading, style)


def _rows(doc: Document) -> list[list[_Row]]:
    """Runs of `| ... |` lines (blank lines between rows allowed), in text order."""
    runs: list[list[_Row]] = []
    open_run = False
    for line in doc.lines:
        m = _ROW.match(line.text)
        if m is None:
            open_run = open_run and not line.text.strip()
            continue
        cells, pos = [], line.start + m.start("cells")
        for raw in m.group("cells").split("|"):
            lead = len(raw) - len(raw.lstrip())
            cells.append(_Cell(pos + lead, pos + len(raw.rstrip()), raw.strip()))
            pos += len(raw) + 1
        if not open_run:
            runs.append([])
        runs[-1].append(_Row(line.start, line.end, cells))
        open_run = True
    return runs


def _column_kind(text: str) -> str | None:
    key = fold_key(text.replace("<br>", " "))
    for column in load("table_columns")["column"]:
        if any(key.startswith(fold_key(p)) for p in column["starts"]):
            return column["kind"]
    return None


def _table(rows: list[_Row]) -> _Table | None:
    """The task table these rows form, or None when the header does not say so."""
    columns: dict[str, int] = {}
    body = 0
    for i, row in enumerate(rows[:3]):
        if all(_RULE_CELL.match(c.text) for c in row.cells):
            body = i + 1
            continue
        kinds = [(_column_kind(c.text), n) for n, c in enumerate(row.cells) if c.text]
        known = [(k, n) for k, n in kinds if k is not None]
        # A header row names mostly known columns; a sub-header row (`Chủ trì | Phối hợp`) only known ones.
        if not known or (len(known) < 2 or 2 * len(known) < len(kinds)) and (columns == {} or known != kinds):
            break
        for kind, n in known:
            columns[kind] = n  # a sub-header row refines the umbrella cell above it
        body = i + 1
    data = [r for r in rows[body:] if not all(_RULE_CELL.match(c.text) for c in r.cells)]
    if "task" not in columns or "lead" not in columns or not data:
        return None
    table = _Table(columns, data)
    for row in data:
        filled = [c for c in row.cells if c.text]
        if not filled or len(filled) > 2 or row.cell(columns["lead"]) or row.cell(columns.get("partner")):
            continue
        m = _GROUP.match(" ".join(c.text for c in filled))
        style = next((s for s in ("roman", "upper", "arabic") if m and m.group(s)), None)
        # A numbered row with only a task under a lead merged down from above is
        # a task, not a group: an arabic label opens a group only as one merged cell.
        if m and m.group("heading") and (style != "arabic" or len(filled) == 1):
            table.groups.append((row, m.group(style), m.group("heading"), style))
    return table


def _tables(doc: Document) -> list[_Table]:
    return [t for rows in _rows(doc) if (t := _table(rows)) is not None]


def group_sections(doc: Document) -> list[Section]:
    """Sections for the group rows of task tables (`| I | Công tác tuyên truyền | |`),
    under the section that holds the table; call before extractors run."""
    out: list[Section] = []
    taken = {s.section_id for s in doc.sections}
    for table in _tables(doc):
        end = table.rows[-1].end
        for i, (row, label, heading, style) in enumerate(table.groups):
            parent = doc.section_at(row.start)
            after_body = doc.body_end is not None and row.start >= doc.body_end
            path = f"{parent.path if parent else 'PL' if after_body else 'T'}.{label}"
            section_id, n = f"{doc.doc_id}/{path}", 1
            while section_id in taken:
                n += 1
                section_id = f"{doc.doc_id}/{path}#{n}"
            taken.add(section_id)
            group_end = table.groups[i + 1][0].start if i + 1 < len(table.groups) else end
            out.append(Section(
                doc_id=doc.doc_id, section_id=section_id, parent_id=parent.section_id if parent else None,
                depth=parent.depth + 1 if parent else 1, label=label, path=path,
                heading=re.sub(r"\s+", " ", heading.replace("<br>", " ")).strip(),
                style={"upper": "letter"}.get(style, style), heading_line=doc.text[row.start:row.end],
                start_char=row.start, end_char=group_end, heading_end=row.end,
                appendix=parent.appendix if parent else ("PL" if after_body else None),
            ))
    return out


def _year(doc: Document) -> int | None:
    return doc.meta.issued_date.year if doc.meta and doc.meta.issued_date else None


def deadline(text: str, year: int | None) -> dt.date | None:
    """Last day of the last time expression in a time cell; None for recurring tasks."""
    key = fold_key(text)
    if any(key.startswith(fold_key(p)) for p in load("table_columns")["recurring"]["starts"]):
        return None
    found = None
    for m in _TIME.finditer(text):
        g = m.groupdict()
        try:
            if g["ny"] or g["vy"]:
                found = last_day(int(g["ny"] or g["vy"]), int(g["nm"] or g["vm"]), int(g["nd"] or g["vd"]))
            elif g["qq"] and (g["qy"] or year):
                found = last_day(int(g["qy"] or year), quarter=quarter_number(g["qq"]))
            elif g["half"] and (g["hy"] or year):
                found = last_day(int(g["hy"] or year), 6 if "đầu" in g["half"].lower() else 12)
            elif g["mm"] and (g["my"] or year):
                found = last_day(int(g["my"] or year), int(g["mm"]))
            elif g["bare_m"]:
                found = last_day(int(g["bare_y"]), int(g["bare_m"]))
            elif g["y"] or g["y2"]:
                found = last_day(int(g["y"] or g["y2"]))
        except ValueError:  # `tháng 13`, `31/2/2026`: not a date
            continue
    return found


def _named(doc: Document, agencies: list[Agency], cell: _Cell) -> list[tuple[str, str, int, int]]:
    """(canonical name, type, start, end) of each agency in a cell, in order,
    once each; a part of the cell the recognizer does not know keeps its own
    words, and so does a part it knows only the first words of (`Phòng Giáo
    dục` is not `Phòng Giáo dục nghề nghiệp và ...`), with the type of those words."""
    inside = [a for a in agencies if cell.start <= a.start_char and a.end_char <= cell.end]
    out: dict[tuple[str, str], tuple[int, int]] = {}
    pos = cell.start
    for part in _SPLIT.split(doc.text[cell.start:cell.end]):
        start = pos + len(part) - len(part.lstrip())
        end = pos + len(part.rstrip())
        pos += len(part) + 1
        name = re.sub(r"\s+", " ", re.sub(r"^[-+•\s]+|[\s,.]+$", "", doc.text[start:end]))
        known = [a for a in inside if a.start_char < end and start < a.end_char]
        if known and re.search(r"\w", doc.text[max(a.end_char for a in known):end]):
            out.setdefault((name, known[0].agency_type), (start, end))
        elif known:
            for a in known:
                out.setdefault((a.canonical_name, a.agency_type), (a.start_char, a.end_char))
        elif name:
            out.setdefault((name, "khac"), (start, end))
    return [(name, kind, start, end) for (name, kind), (start, end) in out.items()]


def _task_rows(doc: Document, agencies: list[Agency]):
    """(table, row, task cell, lead agencies) of each row that assigns a task."""
    for table in _tables(doc):
        groups = {row.start for row, *_ in table.groups}
        lead_cell: _Cell | None = None
        for row in table.rows:
            task = row.cell(table.columns["task"])
            if row.start in groups or task is None:
                continue
            # An empty lead cell under a filled one: a cell merged down the rows.
            lead_cell = row.cell(table.columns["lead"]) or lead_cell
            if lead_cell is not None:
                yield table, row, task, _named(doc, agencies, lead_cell)


def _duty_id(doc: Document, row: _Row, n: int) -> str:
    return f"{doc.doc_id}/table@{row.start}/{n + 1}"


def extract(doc: Document, agencies: list[Agency], dates: list[DateMention]) -> list[Duty]:
    """One duty per task-table row and lead agency (`chu_tri`)."""
    out: list[Duty] = []
    year = _year(doc)
    for table, row, task, leads in _task_rows(doc, agencies):
        span = doc.span(task.start, task.end)
        time = row.cell(table.columns.get("deadline"))
        due = deadline(doc.match_text[time.start:time.end], year) if time else None
        if due is None and time:  # the dates extractor may know a form this reader does not
            due = max((d.value for d in dates if time.start <= d.start_char < time.end and d.value), default=None)
        for n, (name, kind, _, _) in enumerate(leads):
            out.append(Duty(**span, duty_id=_duty_id(doc, row, n), agency=name, agency_type=kind, role="chu_tri",
                            deadline=due))
    return out


def partners(doc: Document, duties: list[Duty], agencies: list[Agency]) -> list[DutyPartner]:
    """The agencies of a row's partner cell, partners of each of its lead duties."""
    if not any("/table@" in d.duty_id for d in duties):
        return []  # most documents have no task table: no second reading
    out: list[DutyPartner] = []
    for table, row, _, leads in _task_rows(doc, agencies):
        cell = row.cell(table.columns.get("partner"))
        if cell is None:
            continue
        lead_names = {name for name, *_ in leads}
        named = [p for p in _named(doc, agencies, cell) if p[0] not in lead_names]
        for n in range(len(leads)):
            for name, kind, start, end in named:
                fields = doc.span(start, end)
                fields.update(duty_id=_duty_id(doc, row, n), agency=name, agency_type=kind)
                out.append(DutyPartner.model_validate(fields))
    return out
