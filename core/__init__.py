"""The bottom layer every extractor stands on: the document, its normal
forms, scanning helpers, the phrase compiler, the date grammar and the
vocabularies. Imports nothing above it (schemas only)."""
