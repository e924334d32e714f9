"""Vietnamese plan documents -> structured records.

Public API:
    process_text(text, name, learned=False) -> DocumentRecords   (no database involved;
        learned: the duty rules also see the learned agencies, extractors/learned.py)
    process_file(path) -> DocumentRecords         (any supported format)
"""


def process_text(text: str, name: str = "<text>", learned: bool = False):
    from pipeline.run import process_text as _process_text

    return _process_text(text, name, learned=learned)


def process_file(path):
    from pipeline.run import process_file as _process_file

    return _process_file(path)
