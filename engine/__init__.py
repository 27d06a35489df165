"""Liên Thông's BPMN service core. No Flask, no configuration reading: everything it
needs arrives as arguments.

One subpackage per capability, each with a public face (its `__init__.py`) that names
what the other parts, the web app and the command line may use:

    storage/      the database: engines, models, few-statement writes, conflicts, migrations
    calendar/     working time: the clock, office hours, holidays, overrides, deadlines
    definitions/  procedure diagrams: safe XML reading, our rules, specs, versions, catalog
    org/          units, users, API tokens, reference data
    runtime/      running dossiers: start, claim, complete, send back, messages, state
    queries/      read models for the command line and the web
    dossiers/     the dossier's life around its steps: supplements, refusals, apologies,
                  the standard papers, the timers' tick
    reporting/    the period report (form II.06a) and its formats
    simulation/   months of a ward simulated through the engine; the demo data

`errors` (the refusals users can cause) and `vocabulary` (dossier statuses, outcomes,
channels) are shared by every part. docs/architecture.md draws the layers; the
import-linter contracts in pyproject.toml enforce them.
"""
