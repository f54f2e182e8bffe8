"""The supplier-dependency report: built as plain data, rendered as JSON, Markdown and HTML."""
