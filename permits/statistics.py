"""What the radiation procedures contribute to the quarterly statistics of
administrative procedures (`workflows.statistics`)."""

from __future__ import annotations

from workflows.registry import StatisticsSource

from .access import APPRAISAL_DIVISION
from .models import PROCEDURE_CODES, Channel, Status

# The one-stop dossier: received when its completeness check starts ("check" clock),
# timed on the result's clock once accepted; issued is a result, a refusal to accept
# (Mẫu 03) or a signed refusal returns the dossier; the apology slip is its own action.
RADIATION_STATISTICS = StatisticsSource(
    model="permits.dossier",
    procedures=dict.fromkeys(PROCEDURE_CODES.values(), APPRAISAL_DIVISION),
    intake_kind="check",
    result_kind="result",
    channel_field="channel",
    channels={Channel.ONLINE: "online", Channel.COUNTER: "counter", Channel.POST: "post"},
    resolved_states=(Status.ISSUED,),
    returned_states=(Status.REFUSED, Status.NOT_ACCEPTED),
    withdrawn_states=(),
    apology_actions=("apology_issue",),
)
