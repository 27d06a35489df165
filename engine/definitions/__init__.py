"""Procedure definitions: BPMN diagrams read safely (no DTD, no entities, no network,
size caps, the BPMN 2.0 schema), checked against Liên Thông's rules
(docs/diagram-conventions.md), turned into SpiffWorkflow specs, stored as immutable
versions with their specs cached per version; and the procedure catalog (legal facts,
versioned like diagrams, docs/catalog.md)."""

from engine.definitions.bpmn_xml import MAX_BPMN_BYTES, DefinitionError, Problem, read_bpmn
from engine.definitions.catalog import (
    Document,
    ProcedureView,
    UnverifiedLimit,
    counting_rule,
    deploy_catalog,
    deploy_files,
    list_catalog,
    procedure_in_force,
    unverified_limits,
)
from engine.definitions.diagram_info import (
    FIELD_TYPES,
    DefinitionInfo,
    FieldSpec,
    ShownSpec,
    UserTaskInfo,
)
from engine.definitions.repository import (
    DefinitionSummary,
    Deployed,
    LoadedDefinition,
    SpecCache,
    deploy,
    deployed_definitions,
    latest_version_id,
    latest_versions,
    read_paths,
)
from engine.definitions.rules import inspect_definition
from engine.definitions.settings import (
    DEFAULT_SOURCES,
    DEFAULTS,
    ProcedureSettings,
    period_words,
    procedure_settings,
)
from engine.definitions.specs import build_specs

__all__ = [
    "DEFAULTS", "DEFAULT_SOURCES", "FIELD_TYPES", "MAX_BPMN_BYTES", "ProcedureSettings",
    "period_words", "procedure_settings", "DefinitionError", "DefinitionInfo", "DefinitionSummary",
    "Deployed", "Document", "FieldSpec", "LoadedDefinition", "Problem", "ProcedureView",
    "ShownSpec", "SpecCache", "UnverifiedLimit", "UserTaskInfo", "build_specs",
    "counting_rule", "deploy",
    "deploy_catalog", "deploy_files", "deployed_definitions", "inspect_definition",
    "latest_version_id", "latest_versions", "list_catalog", "procedure_in_force", "read_bpmn",
    "read_paths", "unverified_limits",
]
