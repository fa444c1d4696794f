#!/usr/bin/env python3
"""Prints 'N passed, N failed[, N skipped]' summed over every *.trx file under a directory.

Counts each UnitTestResult by its outcome (a data-driven test counts once per row, as the runner does):
Passed -> passed; NotExecuted/Inconclusive/Pending -> skipped; anything else (Failed, Error, Timeout,
Aborted, ...) -> failed.
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
SKIPPED = {"NotExecuted", "Inconclusive", "Pending", "NotRunnable", "Disconnected", "Warning"}


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    passed = failed = skipped = 0
    for trx in sorted(root.rglob("*.trx")):
        try:
            tree = ET.parse(trx)
        except ET.ParseError as e:
            print(f"trx-summary: cannot parse {trx}: {e}", file=sys.stderr)
            failed += 1
            continue
        for result in tree.iter(f"{NS}UnitTestResult"):
            outcome = result.get("outcome", "")
            if outcome == "Passed":
                passed += 1
            elif outcome in SKIPPED:
                skipped += 1
            else:
                failed += 1
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
