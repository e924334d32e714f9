"""Vietnamese plan documents -> structured records.

Public API:
    process_text(text, name) -> DocumentRecords   (no database involved)
    process_file(path) -> DocumentRecords         (any supported format)
"""


def process_text(text: str, name: str = "<text>"):
    from pipeline.run import process_text as _process_text

    return _process_text(text, name)


def process_file(path):
    from pipeline.run import process_file as _process_file

    return _process_file(path)
