"""Every projection Parcours runs, in one list for the runner, the rebuild and the replay."""

from projections.cases import CasesProjection
from projections.directory import DirectoryProjection
from projections.projection import Projection
from projections.timeline import TimelineProjection

PROJECTIONS: tuple[type[Projection], ...] = (
    TimelineProjection,
    CasesProjection,
    DirectoryProjection,
)
