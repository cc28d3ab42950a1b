"""Convert legacy Word and WPS documents (.doc, .wps) to .docx with LibreOffice, when it is installed.

Each call uses a fresh LibreOffice profile (so concurrent calls do not share a lock) in a temporary
directory, runs in its own process group and is killed whole on timeout. LibreOffice exits 0 even when
it fails, so success means the .docx exists. A file without the OLE signature is refused first: given
junk, LibreOffice would import it as plain text.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from assistant.document.spreadsheets import is_ole
from assistant.errors import InputFileError


def find_soffice() -> str | None:
    """The LibreOffice executable on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, shown: str, timeout: float = 120) -> Path:
    """The .docx LibreOffice makes of ``path``, alone in a new temporary directory the caller removes
    (``shutil.rmtree(result.parent)``); LibreOffice's profile and scratch files are removed here.

    Raises :class:`InputFileError` with a Chinese message (never a server path) on any problem.
    """
    if not is_ole(path):
        raise InputFileError(shown, "不是有效的 Word/WPS（.doc/.wps）文件，可能已损坏或只是改了扩展名")
    soffice = find_soffice()
    if soffice is None:
        raise InputFileError(
            shown,
            "是旧版 Word/WPS 格式，请用 Word 或 WPS 另存为 .docx 后再导入（或在服务器上安装 LibreOffice 后可自动转换）",
        )
    outdir = Path(tempfile.mkdtemp(prefix="assistant-docx-"))
    try:
        with tempfile.TemporaryDirectory(prefix="assistant-soffice-") as scratch:
            profile = Path(scratch) / "profile"
            profile.mkdir()
            source = Path(scratch) / ("source" + path.suffix.lower())  # a plain name reaches soffice
            shutil.copyfile(path, source)
            _run(soffice, profile, outdir, source, shown, timeout)
        produced = outdir / "source.docx"
        if not produced.is_file() or produced.stat().st_size == 0:
            raise InputFileError(
                shown, "无法转换为 .docx（文件可能已损坏或已加密），请用 Word 或 WPS 另存为 .docx 后再导入"
            )
        return produced
    except BaseException:
        shutil.rmtree(outdir, ignore_errors=True)
        raise


def _run(soffice: str, profile: Path, outdir: Path, source: Path, shown: str, timeout: float) -> None:
    command = [
        soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
        "--nodefault", "--nolockcheck", "--convert-to", "docx", "--outdir", str(outdir), str(source),
    ]  # fmt: skip
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "HOME": str(profile)},
        )
    except OSError as exc:
        raise InputFileError(shown, f"无法启动 LibreOffice 进行格式转换（{type(exc).__name__}）") from exc
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill(process)
        raise InputFileError(
            shown, f"格式转换超时（超过 {timeout:.0f} 秒），请用 Word 或 WPS 另存为 .docx 后再导入"
        ) from exc
    except BaseException:  # interrupted: leave no LibreOffice behind
        _kill(process)
        raise


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
