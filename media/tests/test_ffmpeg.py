import subprocess

import pytest

from media import ffmpeg
from media.sniff import video_type_sniff


def test_probe_reads_duration_dimensions_and_streams(sample_videos):
    probe = ffmpeg.probe(str(sample_videos.good))

    assert probe == ffmpeg.Probe(
        duration_seconds=probe.duration_seconds,
        width=320,
        height=240,
        has_audio=True,
        video_codec="h264",
    )
    assert 1.9 <= probe.duration_seconds <= 2.1


def test_probe_of_a_silent_portrait_video(sample_videos):
    probe = ffmpeg.probe(str(sample_videos.portrait))

    assert (probe.width, probe.height, probe.has_audio) == (240, 320, False)


def test_a_text_file_is_not_a_video(sample_videos):
    with pytest.raises(ffmpeg.MediaToolError) as caught:
        ffmpeg.probe(str(sample_videos.fake))

    assert "Invalid data found when processing input" in caught.value.reason
    assert video_type_sniff(sample_videos.fake.read_bytes()[:8192]) is None


def test_the_integrity_check_catches_a_truncated_file_with_intact_headers(sample_videos):
    ffmpeg.probe(str(sample_videos.truncated))  # the index at the front is whole
    ffmpeg.integrity_check(sample_videos.good)

    with pytest.raises(ffmpeg.MediaToolError) as caught:
        ffmpeg.integrity_check(sample_videos.truncated)

    assert caught.value.reason


@pytest.mark.parametrize(
    ("suffix", "mime"),
    [
        ("mp4", "video/mp4"),
        ("mov", "video/quicktime"),
        ("mkv", "video/x-matroska"),
        ("avi", "video/x-msvideo"),
        ("ts", "video/mp2t"),
    ],
)
def test_sniffing_knows_containers_by_their_bytes(sample_videos, tmp_path, suffix, mime):
    target = tmp_path / f"remuxed.{suffix}"
    args = [ffmpeg.ffmpeg_exe(), "-v", "error", "-i", str(sample_videos.good)]
    subprocess.run([*args, "-c", "copy", "-y", str(target)], check=True)  # noqa: S603

    assert video_type_sniff(target.read_bytes()[:8192]) == mime


def test_sniffing_refuses_other_files():
    assert video_type_sniff(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) is None
    assert video_type_sniff(b"%PDF-1.7\n" + b"\x00" * 100) is None
    assert video_type_sniff(b"") is None


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1920, 1080), ["1080p", "720p", "480p"]),
        ((1280, 720), ["720p", "480p", "360p"]),
        ((720, 1280), ["720p", "480p", "360p"]),  # portrait: the short side counts
        ((426, 240), ["240p", "120p"]),  # always two renditions
        ((320, 300), ["300p", "240p"]),
    ],
)
def test_the_ladder_never_upscales_and_always_has_two_rungs(size, expected):
    probe = ffmpeg.Probe(
        duration_seconds=10, width=size[0], height=size[1], has_audio=True, video_codec="h264"
    )

    assert [name for name, _, _ in ffmpeg.ladder_for(probe)] == expected


def test_hls_cuts_every_rendition_with_a_master_playlist(sample_videos, tmp_path):
    probe = ffmpeg.probe(str(sample_videos.good))

    renditions = ffmpeg.hls_make(source=sample_videos.good, target_dir=tmp_path, probe=probe)

    assert [(r.name, r.width, r.height) for r in renditions] == [
        ("240p", 320, 240),
        ("120p", 160, 120),
    ]
    master = (tmp_path / "master.m3u8").read_text()
    assert "240p/index.m3u8" in master
    assert "120p/index.m3u8" in master
    for rendition in renditions:
        playlist = (tmp_path / rendition.playlist).read_text()
        assert "#EXT-X-ENDLIST" in playlist
        assert (tmp_path / rendition.name / "seg_000.ts").stat().st_size > 0
