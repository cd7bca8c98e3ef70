"""Every table of the application, imported in one place for Alembic and create_all."""
from credit.accounts.models import User  # noqa: F401
from credit.audit.models import AuditEvent  # noqa: F401
from credit.cases.models import Case, CaseAttachment, CaseDisposition, CaseEvent, CaseSerial  # noqa: F401
from credit.catalog.models import CatalogVersion  # noqa: F401
from credit.listing.models import ListEntry, ListingProcedure, ListVersion  # noqa: F401
from credit.notices.models import Notice  # noqa: F401
from credit.scheduler.models import JobRun  # noqa: F401
from credit.scoring.models import Assessment, AssessmentRun  # noqa: F401
from credit.subjects.models import Subject  # noqa: F401
from credit.records.models import Evidence, Record, RecordEvent  # noqa: F401
from credit.inspection.models import InspectionCheck, InspectionPlan, InspectorConflict  # noqa: F401
from credit.activation.models import ActivationCode, ActivationThrottle  # noqa: F401
from credit.applications.models import Application, Attachment  # noqa: F401
from credit.api.models import ApiToken  # noqa: F401
