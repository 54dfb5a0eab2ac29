"""The one error an export raises for a request it cannot honour: a code, a message, a field,
so the CLI prints one clear line and the HTTP route picks a status, without parsing text."""


class ExportError(Exception):
    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
