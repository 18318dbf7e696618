"""A content tree's problems, each with its file and line."""

from dataclasses import dataclass, field


class ContentInvalid(Exception):
    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    @property
    def codes(self):
        return [error.code for error in self.errors]


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    message: str
    code: str = field(default="", compare=False)

    def __str__(self):
        where = f"{self.path}, line {self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    @classmethod
    def of(cls, problem, record):
        """A version's problem, placed at its line in the record's file."""
        line = problem.line or record.line_of(problem.field)
        text = f"{problem.message}; {problem.fix}" if problem.fix else problem.message
        return cls(record.path, line, text, problem.code)
