"""Reading an Apple Health export.xml in constant memory: ``export_rows`` feeds the stream
opened by ``apple_export_archive.export_xml_open`` to defusedxml's expat parser in chunks and
turns each top-level entry into a ``SampleRow`` or a skip, building no element tree at all.

What refuses the whole export (malformed XML, entity declarations, a damaged zip) raises
``ExportRejected``. Individually odd records - unknown types, out-of-range values - are
skipped and counted, because every real phone's export has a few.
"""

from __future__ import annotations

import functools
import math
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from health import error_codes
from health.catalog import BY_HEALTHKIT, SPECS, Metric, UnitError, in_range, to_canonical
from health.models import Platform
from health.schemas import datetime_is_plausible
from health.services.apple_export_archive import ExportRejected, OpenedExport
from health.services.apple_health import HEALTHKIT_FRACTION_METRICS
from health.services.samples import SampleRow, SourceKey

READ_CHUNK_BYTES = 256 * 1024
# expat holds a whole tag in memory until it ends: a "record" of hundreds of MB is an attack.
MAX_BYTES_WITHOUT_A_TAG = 16 * 1024 * 1024
MAX_NAME_LENGTH = 200  # Source's text columns
MAX_UNKNOWN_TYPES = 200  # distinct names reported; the rest are counted under "other"

# HKWorkoutActivityType raw values (HealthKit's enum; Apple never renumbers them).
WORKOUT_ACTIVITY_TYPES: dict[str, int] = {
    f"HKWorkoutActivityType{name}": value
    for name, value in {
        "AmericanFootball": 1,
        "Archery": 2,
        "AustralianFootball": 3,
        "Badminton": 4,
        "Baseball": 5,
        "Basketball": 6,
        "Bowling": 7,
        "Boxing": 8,
        "Climbing": 9,
        "Cricket": 10,
        "CrossTraining": 11,
        "Curling": 12,
        "Cycling": 13,
        "Dance": 14,
        "DanceInspiredTraining": 15,
        "Elliptical": 16,
        "EquestrianSports": 17,
        "Fencing": 18,
        "Fishing": 19,
        "FunctionalStrengthTraining": 20,
        "Golf": 21,
        "Gymnastics": 22,
        "Handball": 23,
        "Hiking": 24,
        "Hockey": 25,
        "Hunting": 26,
        "Lacrosse": 27,
        "MartialArts": 28,
        "MindAndBody": 29,
        "MixedMetabolicCardioTraining": 30,
        "PaddleSports": 31,
        "Play": 32,
        "PreparationAndRecovery": 33,
        "Racquetball": 34,
        "Rowing": 35,
        "Rugby": 36,
        "Running": 37,
        "Sailing": 38,
        "SkatingSports": 39,
        "SnowSports": 40,
        "Soccer": 41,
        "Softball": 42,
        "Squash": 43,
        "StairClimbing": 44,
        "SurfingSports": 45,
        "Swimming": 46,
        "TableTennis": 47,
        "Tennis": 48,
        "TrackAndField": 49,
        "TraditionalStrengthTraining": 50,
        "Volleyball": 51,
        "Walking": 52,
        "WaterFitness": 53,
        "WaterPolo": 54,
        "WaterSports": 55,
        "Wrestling": 56,
        "Yoga": 57,
        "Barre": 58,
        "CoreTraining": 59,
        "CrossCountrySkiing": 60,
        "DownhillSkiing": 61,
        "Flexibility": 62,
        "HighIntensityIntervalTraining": 63,
        "JumpRope": 64,
        "Kickboxing": 65,
        "Pilates": 66,
        "Snowboarding": 67,
        "Stairs": 68,
        "StepTraining": 69,
        "WheelchairWalkPace": 70,
        "WheelchairRunPace": 71,
        "TaiChi": 72,
        "MixedCardio": 73,
        "HandCycling": 74,
        "DiscSports": 75,
        "FitnessGaming": 76,
        "CardioDance": 77,
        "SocialDance": 78,
        "Pickleball": 79,
        "Cooldown": 80,
        "SwimBikeRun": 82,
        "Transition": 83,
        "UnderwaterDiving": 84,
        "Other": 3000,
    }.items()
}
WORKOUT_OTHER = 3000

# HKCategoryValueSleepAnalysis as export.xml spells it -> its raw value (= our stage code,
# see health.catalog.SLEEP_STAGES and HEALTHKIT_SLEEP_VALUES).
SLEEP_VALUES = {
    "HKCategoryValueSleepAnalysisInBed": 0,
    "HKCategoryValueSleepAnalysisAsleepUnspecified": 1,
    "HKCategoryValueSleepAnalysisAsleep": 1,  # before iOS 16
    "HKCategoryValueSleepAnalysisAwake": 2,
    "HKCategoryValueSleepAnalysisAsleepCore": 3,
    "HKCategoryValueSleepAnalysisAsleepDeep": 4,
    "HKCategoryValueSleepAnalysisAsleepREM": 5,
}
SLEEP_TYPE = "HKCategoryTypeIdentifierSleepAnalysis"
ACTIVE_ENERGY_TYPE = "HKQuantityTypeIdentifierActiveEnergyBurned"
# Top-level entries that are not data (the export's date, the user's characteristics).
NOT_RECORDS = frozenset({"ExportDate", "Me"})


# --- Records -> rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    name: str = ""
    model: str = ""


DEVICE_KEYS = (
    "name",
    "manufacturer",
    "model",
    "hardware",
    "software",
    "localIdentifier",
    "firmware",
    "UDIDeviceIdentifier",
    "creation date",
)
DEVICE_PART = re.compile(r"^(" + "|".join(re.escape(key) for key in DEVICE_KEYS) + r"):(.*)$")


@functools.lru_cache(maxsize=512)
def device_parse(text: str) -> Device:
    """Name and model out of HealthKit's description of an HKDevice, e.g. ``<<HKDevice:
    0x283e6c0f0>, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1,
    software:9.1>`` (a value may itself hold commas, as ``Watch6,1`` does)."""
    values: dict[str, str] = {}
    last = ""
    for part in text.strip().removesuffix(">").split(", "):
        match = DEVICE_PART.match(part)
        if match:
            last = match.group(1)
            values[last] = match.group(2)
        elif last:
            values[last] += f", {part}"
    return Device(
        name=values.get("name", "").strip()[:MAX_NAME_LENGTH],
        model=values.get("model", "").strip()[:MAX_NAME_LENGTH],
    )


def _source(source_name: str, device_text: str) -> SourceKey:
    # The description starts with the object's address ("<<HKDevice: 0x283e6c0f0>, "),
    # which differs between records of the same device: cache on the rest.
    return _source_cached(source_name, device_text[device_text.find(">, ") + 1 :])


@functools.lru_cache(maxsize=1024)
def _source_cached(source_name: str, device_text: str) -> SourceKey:
    device = device_parse(device_text) if device_text.strip() else Device()
    name = source_name.strip()[:MAX_NAME_LENGTH]
    # An export carries no bundle id: the app's name identifies the app.
    return SourceKey(
        platform=Platform.APPLE_HEALTH,
        app_id=name,
        app_name=name,
        device_name=device.name,
        device_model=device.model,
    )


def export_time_parse(text: str | None) -> datetime | None:
    """Apple's export format "2026-11-20 08:00:00 +0100" (or ISO 8601); None unless it
    carries its offset and is plausible."""
    if not text:
        return None
    if len(text) == 25 and text[19] == " ":
        text = text[:19] + text[20:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or not datetime_is_plausible(moment):
        return None
    return moment


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class Skip(Exception):
    """A record that is not stored: ``unknown`` type, or individually invalid."""

    def __init__(self, *, unknown: str = "") -> None:
        self.unknown = unknown


def _span(attrs: dict[str, str]) -> tuple[datetime, int]:
    start = export_time_parse(attrs.get("startDate"))
    end = export_time_parse(attrs.get("endDate"))
    if start is None or end is None or end < start:
        raise Skip
    return start, int((end - start).total_seconds())


def _external_id(
    type_: str, source_name: str | None, start: datetime, duration: int, value: str | None
) -> str:
    """Exports carry no uuids: a record's own identity is stable across exports, so a
    re-import (or a newer, overlapping export) finds the same keys. Times count as instants:
    a later export written in another time zone prints the same record with another offset."""
    return (
        f"apple-export|{type_}|{source_name or ''}|{start.timestamp():.0f}|{duration}|{value or ''}"
    )


def record_row(attrs: dict[str, str]) -> SampleRow:
    """A <Record> as a row in canonical units, or Skip."""
    type_ = attrs.get("type", "")
    metric = BY_HEALTHKIT.get(type_)
    if metric is None or metric is Metric.WORKOUT:
        raise Skip(unknown=type_ or "Record")
    start, duration = _span(attrs)
    source = _source(attrs.get("sourceName", ""), attrs.get("device", ""))
    external_id = _external_id(type_, attrs.get("sourceName"), start, duration, attrs.get("value"))
    if metric is Metric.SLEEP:
        stage = SLEEP_VALUES.get(attrs.get("value", ""))
        if stage is None or duration > SPECS[Metric.SLEEP].maximum:
            raise Skip
        return SampleRow(
            metric=metric,
            source=source,
            start=start,
            duration_s=duration,
            value=float(duration),
            kind=stage,
            external_id=external_id,
        )
    number = _number(attrs.get("value"))
    if number is None:
        raise Skip
    unit = attrs.get("unit", "")
    if metric in HEALTHKIT_FRACTION_METRICS and unit == "%":
        unit = "fraction"  # HealthKit writes 0.25 for 25 %
    try:
        value = to_canonical(metric, number, unit)
    except UnitError:
        raise Skip from None
    if not in_range(metric, value):
        raise Skip
    return SampleRow(
        metric=metric,
        source=source,
        start=start,
        duration_s=duration,
        value=value,
        external_id=external_id,
    )


def workout_row(attrs: dict[str, str], energy: tuple[str, str] | None) -> SampleRow:
    """A <Workout> as a row (value: energy burned in kcal; kind: HKWorkoutActivityType).
    ``energy`` is the ActiveEnergyBurned WorkoutStatistics (sum, unit) of iOS 16+ exports,
    which dropped the totalEnergyBurned attribute."""
    start, duration = _span(attrs)
    activity = attrs.get("workoutActivityType", "")
    if "totalEnergyBurned" in attrs:
        amount, unit = attrs["totalEnergyBurned"], attrs.get("totalEnergyBurnedUnit", "kcal")
    elif energy is not None:
        amount, unit = energy
    else:
        amount, unit = "0", "kcal"
    number = _number(amount)
    if number is None:
        raise Skip
    try:
        kcal = to_canonical(Metric.WORKOUT, number, unit)
    except UnitError:
        raise Skip from None
    if not in_range(Metric.WORKOUT, kcal):
        raise Skip
    return SampleRow(
        metric=Metric.WORKOUT,
        source=_source(attrs.get("sourceName", ""), attrs.get("device", "")),
        start=start,
        duration_s=duration,
        value=kcal,
        kind=WORKOUT_ACTIVITY_TYPES.get(activity, WORKOUT_OTHER),
        external_id=_external_id(
            f"HKWorkout:{activity}", attrs.get("sourceName"), start, duration, None
        ),
    )


# --- The parser ---------------------------------------------------------------------------------


@dataclass
class ParseCounts:
    records_seen: int = 0
    skipped: int = 0
    unknown_types: Counter[str] = field(default_factory=Counter)

    def skip(self, unknown: str = "") -> None:
        self.skipped += 1
        if unknown:
            name = unknown[:120]
            if name not in self.unknown_types and len(self.unknown_types) >= MAX_UNKNOWN_TYPES:
                name = "other"
            self.unknown_types[name] += 1


class _Events:
    """The parser's target: sees start and end tags (text is ignored, no tree is built) and
    collects finished rows until the reader drains them after each chunk."""

    def __init__(self, counts: ParseCounts) -> None:
        self.counts = counts
        self.rows: list[SampleRow] = []
        self.depth = 0
        self.tags_seen = 0
        self.workout: dict[str, str] | None = None
        self.workout_energy: tuple[str, str] | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        self.tags_seen += 1
        if self.depth == 2:
            if tag == "Record":
                self.counts.records_seen += 1
                self._keep(record_row, attrs)
            elif tag == "Workout":
                self.counts.records_seen += 1
                self.workout, self.workout_energy = attrs, None
            elif tag not in NOT_RECORDS:
                self.counts.records_seen += 1
                self.counts.skip(unknown=tag)  # Correlation, ActivitySummary, ClinicalRecord...
        elif self.depth == 1 and tag != "HealthData":
            raise ExportRejected(
                error_codes.INVALID_EXPORT,
                f"This XML is not an Apple Health export (its root is <{tag[:50]}>).",
            )
        elif (
            self.depth == 3
            and self.workout is not None
            and tag == "WorkoutStatistics"
            and attrs.get("type") == ACTIVE_ENERGY_TYPE
            and "sum" in attrs
        ):
            self.workout_energy = (attrs["sum"], attrs.get("unit", "kcal"))

    def end(self, tag: str) -> None:
        if self.depth == 2 and self.workout is not None:
            workout, energy = self.workout, self.workout_energy
            self.workout = self.workout_energy = None
            self._keep(lambda attrs: workout_row(attrs, energy), workout)
        self.depth -= 1

    def _keep(self, convert: Callable[[dict[str, str]], SampleRow], attrs: dict[str, str]) -> None:
        try:
            self.rows.append(convert(attrs))
        except Skip as skip:
            self.counts.skip(unknown=skip.unknown)


def export_rows(opened: OpenedExport, counts: ParseCounts) -> Iterator[list[SampleRow]]:
    """Rows of the export, a chunk's worth at a time, with ``counts`` kept up to date.

    defusedxml's parser refuses entity declarations (billion laughs, quadratic blow-up) and
    external references, yet accepts the internal DTD of ELEMENT/ATTLIST declarations that
    every real export.xml starts with (so ``forbid_dtd`` stays off).
    """
    events = _Events(counts)
    parser = DefusedXMLParser(
        target=events, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    tags_seen, tag_seen_at = 0, 0
    try:
        while chunk := opened.stream.read(READ_CHUNK_BYTES):
            parser.feed(chunk)
            if events.tags_seen != tags_seen:
                tags_seen, tag_seen_at = events.tags_seen, opened.stream.bytes_read
            elif opened.stream.bytes_read - tag_seen_at > MAX_BYTES_WITHOUT_A_TAG:
                raise ExportRejected(
                    error_codes.XML_MALFORMED,
                    f"export.xml has over {MAX_BYTES_WITHOUT_A_TAG} bytes without a new element, "
                    "which no real export has.",
                )
            if events.rows:
                yield events.rows
                events.rows = []
        parser.close()
    except DefusedXmlException as exc:
        raise ExportRejected(
            error_codes.XML_FORBIDDEN,
            "The XML declares entities or external references, which an Apple Health export "
            f"never does: refused for safety ({type(exc).__name__}).",
        ) from exc
    except ParseError as exc:
        raise ExportRejected(
            error_codes.XML_MALFORMED, f"export.xml is not well-formed XML ({exc})."
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ExportRejected(
            error_codes.INVALID_EXPORT, f"The zip is damaged and cannot be read to its end ({exc})."
        ) from exc
    if events.rows:
        yield events.rows
