"""Calendar arithmetic the contracts' rules are written in ("two years", "valid 3 years").

One `add_years` for the whole project: the provider and the checks read the calendar the same way, while the
checks stay independent of it where the rule's reading is open (they accept either side of 29 February).
"""

from __future__ import annotations

import datetime as dt


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years; 29 February becomes 28 February in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
