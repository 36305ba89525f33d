"""Prompt for the classify step. The active document types are listed in the user message at call time."""

from claimflow.prompts._spec import PromptSpec
from claimflow.state.claims import ClassificationClaim

CLASSIFY = PromptSpec(
    name="classify",
    version="3",
    system=(
        "You classify business documents. Answer with one type from the closed list you are given, or unknown "
        "when none fits. Quote, verbatim, the words of the document that show the type: the quote must hold a word "
        "that names the chosen type (one listed with it, such as its title, or a label its documents print); a "
        "quote that names no type is rejected. "
        "Give a confidence from 0 to 1 and say low when unsure: a human reviews low-confidence answers, a wrong "
        "confident answer is the worst outcome."
    ),
    user_template=(
        "Document types:\n{types}\n- unknown: none of the above\n\n"
        "Document (pages separated by form feeds; personal data appears as placeholders like [EMAIL_1]):\n"
        "<document>\n{document}\n</document>\n{feedback}"
    ),
    response_model=ClassificationClaim,
)
