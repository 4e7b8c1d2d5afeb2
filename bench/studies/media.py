"""The media pipeline's cost: seconds of processing per minute of 720p source."""

from __future__ import annotations

from bench.context import Context
from bench.studies import Study, StudyResult, register

SOURCE_SECONDS = 30


@register
class MediaTranscode(Study):
    """One 720p upload through the whole pipeline (check, probe, thumbnail, HLS ladder 720p /
    480p / 360p with AAC audio, stored): wall time per minute of source on this machine."""

    name = "media-transcode"
    description = (
        f"asset_process of a {SOURCE_SECONDS} s 1280x720 30 fps H.264+AAC upload "
        "(integrity check, thumbnail, 3 HLS renditions, local storage)"
    )
    targets = ("reported: s of processing per min of 720p",)
    order = 60

    def run(self, ctx: Context, result: StudyResult) -> None:
        data = ctx.django("media-transcode", "--seconds", str(SOURCE_SECONDS))
        minutes = float(data["source_seconds"]) / 60
        per_minute = float(data["processing_seconds"]) / minutes
        result.figure("seconds_per_source_minute", "processing per min of 720p", per_minute, "s")
        result.figure(
            "realtime_factor",
            "speed (source s per processing s)",
            float(data["source_seconds"]) / float(data["processing_seconds"]),
            "x",
        )
        result.details = data
