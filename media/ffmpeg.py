"""ffmpeg, from the ``imageio-ffmpeg`` wheel (a static build with libx264 and AAC), so a fresh
machine needs no system ffmpeg. Everything here works on local files in a work directory and
raises :class:`MediaToolError` with a reason a content manager can read.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import imageio_ffmpeg
from django.conf import settings


class MediaToolError(Exception):
    """ffmpeg refused the input (corrupt, truncated, not a video) or failed on it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Probe:
    duration_seconds: float
    width: int  # as displayed (rotation applied)
    height: int
    has_audio: bool
    video_codec: str


@dataclass(frozen=True)
class Rendition:
    name: str  # "720p"
    width: int
    height: int
    video_kbps: int
    playlist: str  # relative to the HLS directory: "720p/index.m3u8"


@cache
def ffmpeg_exe() -> str:
    return str(imageio_ffmpeg.get_ffmpeg_exe())


_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\d+:\d+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_AUDIO = re.compile(r"Stream #\d+:\d+.*?: Audio: ")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees")
# Lines of ffmpeg's log that say nothing about what went wrong.
_NOISE = re.compile(r"^(ffmpeg version|  (built|configuration|lib)|Input #|  Metadata|Output #)")


def _reason(stderr: str, fallback: str) -> str:
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and not _NOISE.match(line) and "At least one output file" not in line
    ]
    errors = [line for line in lines if re.search(r"(?i)error|invalid|not found|corrupt", line)]
    picked = (errors or lines)[-2:]
    # "[in#0/mov,mp4 @ 0x55d...] moov atom not found" -> "moov atom not found"
    cleaned = [re.sub(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*", "", line) for line in picked]
    return ("; ".join(dict.fromkeys(cleaned)) or fallback)[:500]


def _run(args: list[str], *, what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 (our own binary, arguments built here, no shell)
            [ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=settings.MEDIA_FFMPEG_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise MediaToolError(f"{what} took longer than {exc.timeout:.0f} s.") from exc


def probe(source: str) -> Probe:
    """Duration, displayed dimensions and streams of a video file or URL; reads the headers
    only. Not a video, or headers unreadable (a truncated MP4 loses its index): MediaToolError."""
    result = _run(["-i", source], what="Reading the file")
    text = result.stderr
    video = _VIDEO.search(text)
    if video is None:
        raise MediaToolError(_reason(text, "No video stream found."))
    duration = _DURATION.search(text)
    if duration is None:
        raise MediaToolError("The file has no duration (a still image or a live stream?).")
    hours, minutes, seconds = duration.groups()
    total = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    if total <= 0:
        raise MediaToolError("The video is empty (0 seconds).")
    width, height = int(video.group(2)), int(video.group(3))
    rotation = _ROTATION.search(text)
    if rotation is not None and round(abs(float(rotation.group(1)))) % 180 == 90:
        width, height = height, width
    return Probe(
        duration_seconds=round(total, 3),
        width=width,
        height=height,
        has_audio=bool(_AUDIO.search(text)),
        video_codec=video.group(1),
    )


def integrity_check(path: Path) -> None:
    """Read every packet without decoding (fast: I/O bound) and fail on the first corrupt one:
    catches truncated files whose headers are intact."""
    result = _run(
        ["-v", "error", "-xerror", "-i", str(path), "-map", "0", "-c", "copy", "-f", "null", "-"],
        what="Checking the file",
    )
    if result.returncode != 0:
        raise MediaToolError(_reason(result.stderr, "The file is corrupt or truncated."))


def thumbnail_make(*, source: Path, target: Path, probe: Probe, height: int = 360) -> None:
    """A JPEG frame from a third of the way in (at most 5 s), ``height`` pixels high."""
    at = min(5.0, probe.duration_seconds / 3)
    scale = f"scale=-2:{height}" if probe.width >= probe.height else f"scale={height}:-2"
    args = ["-v", "error", "-ss", f"{at:.3f}", "-i", str(source), "-frames:v", "1"]
    args += ["-vf", scale, "-q:v", "4", "-y", str(target)]
    result = _run(args, what="Making the thumbnail")
    if result.returncode != 0 or not target.exists():
        raise MediaToolError(_reason(result.stderr, "No frame could be read for a thumbnail."))


def ladder_for(probe: Probe) -> list[tuple[str, int, int]]:
    """The renditions to cut: the configured ladder's rungs at or below the source's short side
    (at most three), and always at least two."""
    short = min(probe.width, probe.height)
    rungs = [rung for rung in settings.MEDIA_HLS_LADDER if rung[1] <= short][:3]
    if len(rungs) < 2:
        native = short - short % 2
        rungs = [(f"{native}p", native, 600)]
        lower = [rung for rung in settings.MEDIA_HLS_LADDER if rung[1] < native]
        half = max(2, native // 4 * 2)
        rungs.append(lower[0] if lower else (f"{half}p", half, 250))
    return rungs


def hls_make(*, source: Path, target_dir: Path, probe: Probe) -> list[Rendition]:
    """Cut HLS renditions (H.264 + AAC, 4 s segments, aligned keyframes) in one ffmpeg run:
    ``target_dir/master.m3u8`` and ``target_dir/<name>/index.m3u8`` + segments."""
    rungs = ladder_for(probe)
    landscape = probe.width >= probe.height
    split = f"[0:v]split={len(rungs)}" + "".join(f"[s{i}]" for i in range(len(rungs)))
    scales = [
        f"[s{i}]scale={'-2:' + str(h) if landscape else str(h) + ':-2'}[v{i}]"
        for i, (_, h, _) in enumerate(rungs)
    ]
    args = ["-v", "error", "-i", str(source), "-filter_complex", ";".join([split, *scales])]
    stream_map = []
    for i, (name, _, kbps) in enumerate(rungs):
        args += ["-map", f"[v{i}]"]
        args += [f"-b:v:{i}", f"{kbps}k", f"-maxrate:v:{i}", f"{kbps * 107 // 100}k"]
        args += [f"-bufsize:v:{i}", f"{kbps * 2}k"]
        stream_map.append(f"v:{i},a:{i},name:{name}" if probe.has_audio else f"v:{i},name:{name}")
    if probe.has_audio:
        for _ in rungs:
            args += ["-map", "0:a:0"]
        args += ["-c:a", "aac", "-b:a", "128k", "-ac", "2"]
    threads = settings.MEDIA_FFMPEG_THREADS
    args += ["-c:v", "libx264", "-preset", str(settings.MEDIA_FFMPEG_PRESET), "-profile:v", "main"]
    args += ["-pix_fmt", "yuv420p", "-g", "48", "-keyint_min", "48", "-sc_threshold", "0"]
    args += ["-threads", str(threads)] if threads else []
    args += ["-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod"]
    args += ["-hls_flags", "independent_segments", "-master_pl_name", "master.m3u8"]
    args += ["-hls_segment_filename", str(target_dir / "%v" / "seg_%03d.ts")]
    args += ["-var_stream_map", " ".join(stream_map), str(target_dir / "%v" / "index.m3u8")]
    result = _run(args, what="Transcoding")
    if result.returncode != 0 or not (target_dir / "master.m3u8").exists():
        raise MediaToolError(_reason(result.stderr, "Transcoding failed."))
    renditions = []
    for name, height, kbps in rungs:
        width = round(probe.width * height / probe.height / 2) * 2 if landscape else height
        rendered_height = (
            height if landscape else round(probe.height * height / probe.width / 2) * 2
        )
        renditions.append(
            Rendition(
                name=name,
                width=width,
                height=rendered_height,
                video_kbps=kbps,
                playlist=f"{name}/index.m3u8",
            )
        )
    return renditions


SAMPLE_PATTERNS = ("testsrc2", "smptehdbars", "rgbtestsrc", "mandelbrot", "life", "cellauto")


def sample_video_make(
    *,
    target: Path,
    seconds: float,
    width: int = 1280,
    height: int = 720,
    audio: bool = True,
    pattern: str = "testsrc2",
    tone_hz: int = 440,
) -> None:
    """A generated MP4 (H.264 + a tone) from one of ffmpeg's test sources
    (:data:`SAMPLE_PATTERNS`): demo content, tests and the transcoding bench."""
    if pattern not in SAMPLE_PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}")
    args = ["-v", "error", "-f", "lavfi", "-i", f"{pattern}=size={width}x{height}:rate=30"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={int(tone_hz)}:sample_rate=44100"]
    args += ["-t", f"{seconds}", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-b:a", "96k"] if audio else []
    args += ["-movflags", "+faststart", "-y", str(target)]
    result = _run(args, what="Making a sample video")
    if result.returncode != 0:
        raise MediaToolError(_reason(result.stderr, "Could not make a sample video."))
