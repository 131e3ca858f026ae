"""ads_report's errors in the words of `connector-mcp report`: its flags, not the tool's argument names.

The tool speaks to an agent (`date_preset`, `describe(connector=...)`); a person at the command line typed
`--date-preset` and has `--help`. Only invalid_params texts are rewritten: they are about the arguments.
"""

from __future__ import annotations

import re

# The tool's arguments, each a flag of the same name (README: Command line).
ARGUMENTS = (
    "level", "date_preset", "start_date", "end_date", "granularity", "compare", "metrics", "platforms", "accounts",
    "sort", "limit", "name_contains",
)  # fmt: skip
HELP = "`connector-mcp report --help` lists the flags and their choices"
# The tool's generic fix for a malformed argument (reporting/args.py), which points an agent to its own tools.
TOOL_FIX = re.compile(r"Correct the arguments above; describe\(connector=\.\.\.\) and connectors://metrics explain them\.")
DESCRIBE = re.compile(r"describe\(connector=\"([\w-]+)\"\)")
# An argument name standing alone (not inside a word, a URI or a dotted path): `limit:`, `date_preset and`,
# `start_date/end_date`, `compare=previous_period`. Capitalised words ("Sort by") are prose.
NAME = re.compile(rf"(?<![\w.:-])(?<!//)({'|'.join(ARGUMENTS)})(?![\w-])")


def flag(argument: str) -> str:
    return "--" + argument.replace("_", "-")


def in_flags(text: str) -> str:
    """An invalid_params text from ads_report, with flags for argument names and the CLI's help for the fix."""
    text = " ".join(text.split()).removeprefix("invalid_params: ").removeprefix("arguments: ")
    text = TOOL_FIX.sub(HELP + ".", text)
    text = DESCRIBE.sub(r"`connector-mcp catalog \1`", text)
    text = re.sub(r"(?<![\w-])accounts\.([\w-]+)", r"--accounts \1=…", text)  # accounts.linkedin-ads: 'abc' ...
    text = NAME.sub(lambda m: flag(m.group(1)), text)
    return re.sub(r"(--[\w-]+)=(?!…)", r"\1 ", text)  # compare=previous_period -> --compare previous_period
