"""Writing files kept outside the web root (evidence, uploads awaiting their import) so no reader sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, content: bytes, mode: int = 0o640) -> None:
    """Write beside the target, then rename over it: a reader never sees half a file, and two writers
    of the same bytes at once both end with the same whole file. Readable by owner and group only,
    unless `mode` says otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
