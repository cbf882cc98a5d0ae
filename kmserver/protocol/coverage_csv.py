"""A must-read's coverage as CSV rows, for the compliance file: the same columns from
``kmserver acks --csv`` and from the app's coverage window. Pure."""

from __future__ import annotations

from typing import Any


def csv_rows(report_: dict[str, Any]) -> list[list[str]]:
    """The compliance file: one line per user in the audience."""
    head = ["document", "version", "user", "role", "topics", "state", "opened_at", "acked_at",
            "seconds_to_ack"]  # fmt: skip
    out = [head]
    for row in report_["users"]:
        out.append(
            [
                report_["doc"],
                str(report_["rev"]),
                row["name"],
                row["role"],
                " ".join(row["topics"]),
                row["state"],
                row["opened_at"] or "",
                row["acked_at"] or "",
                "" if row["seconds_to_ack"] is None else str(row["seconds_to_ack"]),
            ]
        )
    return out
