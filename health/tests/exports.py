"""Apple Health "Export All Health Data" files, generated at test time (nothing large is
committed). ``export_xml`` builds a small export; ``export_xml_write`` streams a large one to
disk (the bench uses it for its 100 MB import)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO
from xml.sax.saxutils import quoteattr

CET = timezone(timedelta(hours=1))
T0 = datetime(2026, 11, 20, 8, 0, tzinfo=CET)

# The start of a real export.xml: an internal DTD of ELEMENT/ATTLIST declarations only.
PROLOGUE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth     CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex   CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2026-11-25 10:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>
"""
EPILOGUE = "</HealthData>\n"

WATCH_DEVICE = (
    "<<HKDevice: 0x283e6c0f0>, name:Apple Watch, manufacturer:Apple Inc., model:Watch, "
    "hardware:Watch6,1, software:9.1>"
)
PHONE_DEVICE = (
    "<<HKDevice: 0x283e6d1a0>, name:iPhone, manufacturer:Apple Inc., model:iPhone, "
    "hardware:iPhone14,2, software:16.1>"
)


def stamp(moment: datetime) -> str:
    """Apple's export date format: 2026-11-20 08:00:00 +0100."""
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def element(tag: str, attrs: dict[str, str], children: str = "") -> str:
    text = " ".join(f"{name}={quoteattr(value)}" for name, value in attrs.items())
    if children:
        return f" <{tag} {text}>\n{children} </{tag}>\n"
    return f" <{tag} {text}/>\n"


def record(
    type_: str,
    value: str,
    unit: str | None = None,
    *,
    start: datetime = T0,
    seconds: int = 0,
    source: str = "Alice's Apple Watch",
    device: str | None = WATCH_DEVICE,
    metadata: bool = False,
) -> str:
    attrs = {"type": type_, "sourceName": source, "sourceVersion": "9.1"}
    if unit is not None:
        attrs["unit"] = unit
    if device is not None:
        attrs["device"] = device
    attrs |= {
        "creationDate": stamp(start + timedelta(seconds=seconds + 5)),
        "startDate": stamp(start),
        "endDate": stamp(start + timedelta(seconds=seconds)),
        "value": value,
    }
    children = (
        '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
        if metadata
        else ""
    )
    return element("Record", attrs, children)


def sleep(stage: str, *, start: datetime, minutes: int) -> str:
    return record(
        "HKCategoryTypeIdentifierSleepAnalysis",
        f"HKCategoryValueSleepAnalysis{stage}",
        start=start,
        seconds=minutes * 60,
    )


def workout(
    activity: str = "Running",
    *,
    start: datetime = T0,
    minutes: int = 30,
    kcal: float | None = 250,
    statistics_kcal: float | None = None,
) -> str:
    end = start + timedelta(minutes=minutes)
    attrs = {
        "workoutActivityType": f"HKWorkoutActivityType{activity}",
        "duration": str(minutes),
        "durationUnit": "min",
    }
    if kcal is not None:
        attrs |= {"totalEnergyBurned": str(kcal), "totalEnergyBurnedUnit": "kcal"}
    attrs |= {
        "sourceName": "Alice's Apple Watch",
        "sourceVersion": "9.1",
        "device": WATCH_DEVICE,
        "creationDate": stamp(end),
        "startDate": stamp(start),
        "endDate": stamp(end),
    }
    children = f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{stamp(start)}"/>\n'
    if statistics_kcal is not None:
        children += (
            '  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
            f'startDate="{stamp(start)}" endDate="{stamp(end)}" sum="{statistics_kcal}" '
            'unit="Cal"/>\n'
        )
    return element("Workout", attrs, children)


def heart_rates(count: int, *, start: datetime = T0) -> list[str]:
    return [
        record(
            "HKQuantityTypeIdentifierHeartRate",
            str(60 + i % 40),
            "count/min",
            start=start + timedelta(minutes=i),
            metadata=True,
        )
        for i in range(count)
    ]


def export_xml(entries: Iterable[str], *, prologue: str = PROLOGUE) -> bytes:
    return (prologue + "".join(entries) + EPILOGUE).encode()


def export_zip(xml: bytes, *, name: str = "apple_health_export/export.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, xml)
        archive.writestr("apple_health_export/export_cda.xml", b"<?xml version='1.0'?><x/>")
    return buffer.getvalue()


def generated_records(count: int, *, start: datetime = T0) -> Iterator[str]:
    """A realistic mix, in the order exports list them (by type, then time)."""
    kinds = (
        ("HKQuantityTypeIdentifierHeartRate", "count/min", 0.6, lambda i: str(55 + i % 60)),
        ("HKQuantityTypeIdentifierStepCount", "count", 0.2, lambda i: str(20 + i % 400)),
        ("HKQuantityTypeIdentifierActiveEnergyBurned", "kcal", 0.15, lambda i: f"{i % 9}.25"),
        ("HKQuantityTypeIdentifierBasalEnergyBurned", "kcal", 0.05, lambda i: "1.1"),
    )
    for type_, unit, share, value in kinds:
        for i in range(int(count * share)):
            yield record(type_, value(i), unit, start=start + timedelta(minutes=i), seconds=60)


def export_xml_write(path: Path, *, records: int, zipped: bool = False) -> Path:
    """Write an export of about ``records`` records (~400 bytes each) without holding it in
    memory; as export.zip when ``zipped``."""
    if zipped:
        with (
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            archive.open("apple_health_export/export.xml", "w", force_zip64=True) as out,
        ):
            _write(out, records)
    else:
        with path.open("wb") as out:
            _write(out, records)
    return path


def _write(out: IO[bytes], records: int) -> None:
    write = out.write
    write(PROLOGUE.encode())
    batch: list[str] = []
    for entry in generated_records(records):
        batch.append(entry)
        if len(batch) >= 1000:
            write("".join(batch).encode())
            batch.clear()
    write(("".join(batch) + EPILOGUE).encode())
