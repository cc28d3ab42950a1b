"""Errors whose message is shown to the user as it is (in Chinese)."""


class AssistantError(Exception):
    """Base class: ``str(err)`` is a complete Chinese sentence for the user."""


class InputFileError(AssistantError):
    """A file the user gave cannot be read; the message names the file and the problem."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"文件“{path}”无法读取：{problem}")


class StoreError(AssistantError):
    """The vector store cannot be reached or is in a state we cannot use."""


class EmbeddingError(AssistantError):
    """The embedding backend cannot load or answer."""
