"""Machine-readable error codes of the health app."""

# Apple Health export imports (health.services.apple_export): refused uploads (400) and the
# ``error.code`` of a failed import.
INVALID_EXPORT = "invalid_export"  # not a zip or an export.xml; no export.xml in the zip
EXPORT_TOO_LARGE = "export_too_large"  # export.xml decompresses past HEALTH_IMPORT_MAX_XML_BYTES
ARCHIVE_REFUSED = "archive_refused"  # zip bomb signs: ratio, entry count, encryption, method
XML_MALFORMED = "xml_malformed"  # not well-formed XML (including a truncated file)
XML_FORBIDDEN = "xml_forbidden"  # entity declarations or external references (DTD attacks)
IMPORT_FAILED = "import_failed"  # an unexpected error (logged); nothing was stored
