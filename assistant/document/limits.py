"""Limits on what one input file may make us read, and the zip check every .docx/.xlsx passes first.

A .docx or .xlsx is a zip archive: a 2 MB file can declare (or really hold) gigabytes of XML. Before a
parser sees one, :func:`check_archive` reads the archive's end record and central directory and refuses
it when its parts are too many, too large together, compressed with a method other than deflate,
compressed at a ratio no office document reaches, or overlapping each other.

The declared sizes alone are not trusted: a part can state 1 KB in the directory and inflate to 2 GB.
Python's zipfile cuts such a part off at its stated size, but only after inflating the whole read in one
call, and parsers read each part whole. So every part is then inflated once here, in 1 MB steps: a part
that does not end at its stated size with its stated checksum is refused with memory bounded by the step.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from assistant.errors import InputFileError

if TYPE_CHECKING:
    from assistant.settings import Settings

MB = 1024 * 1024

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")
_END64_SIGNATURE = b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF
# central directory bytes allowed per permitted entry (46 fixed bytes plus name and extra fields):
# refused before zipfile builds an object for every entry a huge directory would hold
_DIRECTORY_BYTES_PER_ENTRY = 512
# a part smaller than this may be compressed at any ratio: it cannot hurt
_RATIO_FLOOR = 1 * MB
_SAFE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_STEP = 1 * MB  # inflated per read while parts are verified


@dataclass(frozen=True)
class ReadLimits:
    """Per-file limits, each refused with a Chinese message naming the file and the limit.

    The defaults equal the settings' defaults (ratio and sheet cells have no setting), so a caller that
    passes no limits is protected too.
    """

    max_zip_uncompressed: int = 200 * MB  # bytes, all parts of a .docx/.xlsx together
    max_zip_entries: int = 5000  # parts in a .docx/.xlsx
    max_zip_ratio: int = 200  # uncompressed / compressed size of any part of 1 MB or more
    max_pdf_pages: int = 500  # a longer PDF is refused
    max_sheet_cells: int = 5_000_000  # cells read from one .xlsx (empty ones included)
    max_ocr_pages: int = 50  # pages of one PDF without a text layer sent to OCR

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        return cls(
            max_zip_uncompressed=int(settings.max_zip_uncompressed_mb * MB),
            max_zip_entries=settings.max_zip_entries,
            max_pdf_pages=settings.max_pdf_pages,
            max_ocr_pages=settings.max_ocr_pages,
        )


DEFAULT_LIMITS = ReadLimits()


def megabytes(size: int) -> str:
    value = size / MB
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _end_record(handle: BinaryIO, size: int) -> tuple[int, int] | None:
    """(entries, central directory bytes) the archive's end record declares; None when there is none."""
    tail_size = min(size, _END.size + _MAX_COMMENT)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = len(tail) - _END.size
    if not (at >= 0 and tail[at : at + 4] == _END_SIGNATURE and tail[-2:] == b"\x00\x00"):
        at = tail.rfind(_END_SIGNATURE)  # an archive comment follows the record
    if at < 0 or len(tail) - at < _END.size:
        return None
    fields = _END.unpack_from(tail, at)
    entries, directory = fields[4], fields[5]
    if entries == 0xFFFF or directory == 0xFFFFFFFF:  # zip64: the real numbers are in the zip64 record
        locator_at = at - _END64_LOCATOR.size
        if locator_at >= 0 and tail[locator_at : locator_at + 4] == _END64_LOCATOR_SIGNATURE:
            offset = _END64_LOCATOR.unpack_from(tail, locator_at)[2]
            handle.seek(offset)
            record = handle.read(_END64.size)
            if len(record) == _END64.size and record[:4] == _END64_SIGNATURE:
                fields64 = _END64.unpack(record)
                entries, directory = fields64[7], fields64[8]
    return entries, directory


def _too_many(shown: str, count: int, limits: ReadLimits) -> InputFileError:
    return InputFileError(
        shown, f"文件包含 {count} 个内部部件，超过上限 {limits.max_zip_entries} 个（可能是恶意构造的文件）"
    )


def check_archive(path: Path, shown: str, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse a .docx/.xlsx whose parts would inflate beyond ``limits``, before any parser inflates them.

    A file that is not a zip at all passes: the parser that follows reports it as damaged.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            declared = _end_record(handle, size)
            if declared is None:
                return
            _check_directory(*declared, shown, limits)
            handle.seek(0)
            try:
                archive = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error):
                return
            with archive:
                _check_entries(archive.infolist(), size, shown, limits)
                _inflate_each(archive, shown)
    except OSError as exc:
        raise InputFileError(shown, f"无法读取（{exc.strerror or type(exc).__name__}）") from exc


def _check_directory(entries: int, directory: int, shown: str, limits: ReadLimits) -> None:
    """What the end record declares, before zipfile builds an object for every directory entry."""
    if entries > limits.max_zip_entries:
        raise _too_many(shown, entries, limits)
    if directory > limits.max_zip_entries * _DIRECTORY_BYTES_PER_ENTRY:
        raise InputFileError(
            shown,
            f"文件的内部目录过大（{megabytes(directory)} MB，而内部部件上限为 "
            f"{limits.max_zip_entries} 个），可能是恶意构造的文件",
        )


def _inflate_each(archive: zipfile.ZipFile, shown: str) -> None:
    """Inflate every part in bounded steps: each must end at its declared size with its declared CRC."""
    for info in archive.infolist():
        try:
            with archive.open(info) as part:
                while part.read(_STEP):
                    pass
        except RuntimeError as exc:  # zipfile: "File … is encrypted, password required"
            raise InputFileError(shown, "文件已加密，请先解除密码保护") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
            raise InputFileError(
                shown, "文件已损坏，或是恶意构造的（内部部件的实际内容与声明的大小或校验值不符）"
            ) from exc


def _check_entries(infos: list[zipfile.ZipInfo], size: int, shown: str, limits: ReadLimits) -> None:
    if len(infos) > limits.max_zip_entries:
        raise _too_many(shown, len(infos), limits)
    total = sum(info.file_size for info in infos)
    if total > limits.max_zip_uncompressed:
        raise InputFileError(
            shown,
            f"解压后共 {megabytes(total)} MB，超过上限 {megabytes(limits.max_zip_uncompressed)} MB"
            "（可能是恶意构造的“压缩炸弹”）",
        )
    if sum(info.compress_size for info in infos) > size:
        raise InputFileError(
            shown, "文件内部结构异常（内部部件相互重叠或声明的大小与文件不符），可能是恶意构造的文件"
        )
    for info in infos:
        if info.compress_type not in _SAFE_METHODS:
            raise InputFileError(shown, "文件使用了 Word/Excel 不会使用的压缩方式，无法安全读取")
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size >= _RATIO_FLOOR and ratio >= limits.max_zip_ratio:
            raise InputFileError(
                shown,
                f"某个内部部件的压缩比为 {ratio} 倍，超过上限 {limits.max_zip_ratio} 倍"
                "（可能是恶意构造的“压缩炸弹”）",
            )
