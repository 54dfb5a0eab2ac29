"""A cases projection that cannot project an intervention: the access facts failing."""

from projections.cases import CasesProjection
from projections.projection import Recorded, Writer


def _explode_on_intervention(w: Writer, r: Recorded) -> None:
    msg = "cannot project this intervention"
    raise ValueError(msg)


class BrokenCases(CasesProjection):
    handlers = {
        **CasesProjection.handlers,
        "CaseInterventions.InterventionRecorded": [_explode_on_intervention],
    }
