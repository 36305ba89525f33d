"""Character classes the detectors share."""

SPACE = r"[ \u00a0\u2009\u202f]"
"""One space within a line: plain, no-break, thin or narrow no-break (PDF text layers print all four)."""
DASH = r"[-\u2010\u2011\u2012\u2013]"
"""A hyphen or a dash, as typed or as a word processor replaced it."""
