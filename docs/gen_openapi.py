#!/usr/bin/env python3
"""Writes docs/openapi.json from the API's route table (adapters/api/api.cc) and the schema
(proto/goldthread/v1/*.proto), so the document cannot drift from the code:

    python3 docs/gen_openapi.py > docs/openapi.json

tests/adapters/openapi_test.cc checks every route the server registers is in the document.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTO_DIR = os.path.join(ROOT, "proto", "goldthread", "v1")
SCALARS = {
    "string": {"type": "string"}, "bool": {"type": "boolean"},
    "double": {"type": "number"}, "float": {"type": "number"},
    "int32": {"type": "integer"}, "uint32": {"type": "integer", "minimum": 0},
    "int64": {"type": "string", "format": "int64"},
    "uint64": {"type": "string", "format": "uint64"},
    "bytes": {"type": "string", "format": "byte"},
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
}


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)


def parse_protos():
    messages, enums = {}, {}
    for name in sorted(os.listdir(PROTO_DIR)):
        text = open(os.path.join(PROTO_DIR, name)).read()
        text = re.sub(r"//[^\n]*", "", text)
        for m in re.finditer(r"enum (\w+) \{([^}]*)\}", text):
            enums[m.group(1)] = re.findall(r"(\w+)\s*=\s*\d+;", m.group(2))
        # Messages have no nested messages in this schema; oneof blocks sit inside them.
        for m in re.finditer(r"message (\w+) \{((?:[^{}]|\{[^{}]*\})*)\}", text):
            fields = []
            for f in re.finditer(r"(repeated |optional )?([\w.]+) (\w+) = \d+;", m.group(2)):
                fields.append((f.group(1) == "repeated ", f.group(2), f.group(3)))
            messages[m.group(1)] = fields
    return messages, enums


def schema_for(type_name, messages, enums):
    if type_name in SCALARS:
        return dict(SCALARS[type_name])
    if type_name in enums:
        return {"type": "string", "enum": enums[type_name]}
    return {"$ref": f"#/components/schemas/{type_name}"}


def routes():
    text = open(os.path.join(ROOT, "adapters", "api", "api.cc")).read()
    table = text[text.index("kCommandRoutes[] = {"):text.index("};", text.index("kCommandRoutes[] = {"))]
    table = re.sub(r'"\s*\n\s*"', "", table)  # join split string literals
    return re.findall(r'\{"([^"]+)",\s*"(\w+)"\}', table)


def main():
    messages, enums = parse_protos()
    schemas = {}
    for name, fields in messages.items():
        props = {}
        for repeated, type_name, field in fields:
            s = schema_for(type_name, messages, enums)
            props[camel(field)] = {"type": "array", "items": s} if repeated else s
        schemas[name] = {"type": "object", "properties": props, "additionalProperties": False}
    schemas["Problem"] = {
        "type": "object", "description": "RFC 9457 problem document",
        "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                       "status": {"type": "integer"}, "detail": {"type": "string"},
                       "field": {"type": "string", "description": "the offending input"}}}
    command_fields = {f: t for _, t, f in messages["Command"]}
    problem = {"description": "refused; nothing was written",
               "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    paths = {}

    def op(path, method, body):
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in re.findall(r"\{([^}]+)\}", path)]
        if params:
            body["parameters"] = params + body.get("parameters", [])
        paths.setdefault(path, {})[method] = body

    for path, command in routes():
        message = command_fields[command]
        op(path, "post", {
            "operationId": camel(command), "summary": f"{message} (the {message} command)",
            "security": [{"bearer": []}],
            "parameters": [
                {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 100},
                 "description": "a retry with the same key returns the first response and writes nothing"},
                {"name": "If-Match", "in": "header", "schema": {"type": "string"},
                 "description": "the stream version last seen (the ETag); a different current version is 412"}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{message}"}}}},
            "responses": {
                "201": {"description": "accepted; events written", "headers": {"ETag": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommandResult"}}}},
                "200": {"description": "a repeat of an accepted command (Idempotent-Replayed: true)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommandResult"}}}},
                **{code: problem for code in ["400", "401", "403", "404", "409", "412", "413", "422", "429"]}}})
    def json_content(schema):
        return {"application/json": {"schema": schema}}

    def ref(name):
        return {"$ref": f"#/components/schemas/{name}"}

    reads = [
        ("/api/v1/figures/{indicator_id}/{period}", "getFigure", "A figure as it stands: value, versions, sign-offs, lock (the ETag is the figure stream's version)", True,
         json_content(ref("FigureView"))),
        ("/api/v1/log", "getLog", "The event log by position (?from=&limit=, or ?stream=, one of this council's streams: 404 for any other, another council's included): auditors, performance team, admins", True,
         json_content(ref("LogPage"))),
        ("/api/v1/log/verification", "getVerification", "The hash chain's last verification (cached: true, with verifiedAt and the head it ran to), or with ?fresh=true a new one (auditors and admins): ok, head position and hash, or the first bad position. Auditors, performance team, admins granted on the council", True,
         json_content(ref("LogVerification"))),
        ("/api/v1/log/proofs/inclusion", "getInclusionProof",
         "RFC 9162 inclusion proof of the event at ?position= (or ?leaf_index=) in the tree of "
         "?tree_size= (default: the latest checkpoint's); docs/VERIFYING.md. Auditors, "
         "performance team, admins", True,
         json_content({"type": "object", "description": "kind, leaf_index, position, tree_size, "
                       "leaf_hash, root, proof (base64 hashes in RFC order)"})),
        ("/api/v1/log/proofs/consistency", "getConsistencyProof",
         "RFC 9162 consistency proof from the tree of ?old_size= to ?tree_size= (default: the "
         "latest checkpoint's); docs/VERIFYING.md", True,
         json_content({"type": "object", "description": "kind, old_size, tree_size, old_root, "
                       "root, proof (base64 hashes in RFC order)"})),
        ("/log/checkpoint", "getCheckpoint",
         "The latest checkpoint of the log's Merkle tree (C2SP tlog-checkpoint), signed as a "
         "C2SP signed note with the log's Ed25519 key. No token unless serve --private-log",
         False, {"text/plain": {"schema": {"type": "string"}}}),
        ("/log/verifier-key", "getVerifierKey",
         "The log's public key as a note verifier key (name+keyid+base64)", False,
         {"text/plain": {"schema": {"type": "string"}}}),
        ("/log/tile/{tile_path}", "getTile",
         "A C2SP tlog-tiles hash tile (<L>/<N>[.p/<W>]) or entry bundle (entries/<N>[.p/<W>]); "
         "tile_path spans several path segments, e.g. 0/x001/067.p/5. Immutable", False,
         {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}),
        ("/api/v1/me", "getMe", "Who the token acts as, with roles in force", True,
         json_content(ref("CallerView"))),
        ("/api/v1/openapi.json", "getOpenApi", "This document", False,
         json_content({"type": "object", "description": "an OpenAPI 3.0 document"})),
        ("/healthz", "getHealth", "The process is alive", False,
         json_content({"type": "object", "properties": {"status": {"type": "string", "enum": ["alive"]}}})),
        ("/readyz", "getReadiness", "The store is open and the read models are within a page of the head (503 with the same body while starting)", False,
         json_content({"type": "object", "properties": {
             "status": {"type": "string", "enum": ["ready", "starting"]},
             "storeOpen": {"type": "boolean"},
             "projectionLagEvents": {"type": "integer", "minimum": 0}}})),
        ("/metrics", "getMetrics", "Prometheus text format 0.0.4", False,
         {"text/plain": {"schema": {"type": "string"}}}),
    ]
    for path, op_id, summary, secured, content in reads:
        body = {"operationId": op_id, "summary": summary,
                "responses": {"200": {"description": "OK", "content": content},
                              "401": problem, "403": problem, "404": problem}}
        if secured:
            # Bad input (a malformed period, ?fresh=maybe), and a store that cannot be read.
            body["responses"]["400"] = problem
            body["responses"]["503"] = problem
        if op_id == "getVerification":
            body["parameters"] = [{"name": "fresh", "in": "query",
                                   "schema": {"type": "boolean"},
                                   "description": "verify the whole log again now (auditors and admins); default false: the last result"}]
        if secured:
            body["security"] = [{"bearer": []}]
        op(path, "get", body)
    as_of = [
        {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date-time"},
         "description": "answer as the log stood at this instant (RFC 3339)"},
        {"name": "at_position", "in": "query", "schema": {"type": "integer", "minimum": 1},
         "description": "answer as the log stood at this position (not with as_of)"}]
    read_models = [
        ("/api/v1/scorecards/{unit_id}/{period}", "getScorecard", "Scorecard",
         "A unit's scorecard: RAG, direction of travel, sign-off state, priorities, perspectives, roll-up", True, []),
        ("/api/v1/public/scorecards/{unit_id}/{period}", "getPublishedScorecard", "Scorecard",
         "The published figures of a unit's scorecard, readable without a token", False, []),
        ("/api/v1/reports/{priority_id}/{period}", "getPerformanceReport", "PerformanceReport",
         "A priority's performance report: results and trends over 8 periods, actions, risks, rating", True, []),
        ("/api/v1/figures/{indicator_id}/{period}/history", "getFigureHistory", "FigureHistory",
         "Every event about one figure in order, and the value each stage and committee saw", True, []),
        ("/api/v1/me/outstanding-work", "getMyOutstandingWork", "OutstandingWork",
         "What is due from the caller, and what is overdue, with deadlines", True, []),
        ("/api/v1/people/{person_id}/outstanding-work", "getOutstandingWork", "OutstandingWork",
         "What is due from a person (themselves, or roles covering the council)", True, []),
        ("/api/v1/late-returns", "getLateReturns", "LateReturns",
         "Who is late across the council (roles covering the council)", True, []),
        ("/api/v1/trails/{period}", "getAssuranceTrail", "AssuranceTrail",
         "The Audit Committee's assurance trail for a period, sealed with the verified head hash; 503 (/problems/log-damaged, with firstBadPosition) when the log fails verification", True,
         [{"name": "directorate", "in": "query", "schema": {"type": "string"}},
          {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv", "html"]},
           "description": "json (default), csv (one row per figure) or a printable html page"}]),
        ("/api/v1/escalations", "listEscalations", "EscalationList",
         "Escalation chains about a period's figures and findings", True,
         [{"name": "period", "in": "query", "required": True, "schema": {"type": "string"}},
          {"name": "directorate", "in": "query", "schema": {"type": "string"}},
          {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["all", "open"]}}]),
    ]
    for path, op_id, schema, summary, secured, extra in read_models:
        body = {"operationId": op_id, "summary": summary, "parameters": as_of + extra,
                "responses": {"200": {"description": "OK", "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{schema}"}}}},
                    "400": problem, "401": problem, "403": problem, "404": problem, "503": problem}}
        if secured:
            body["security"] = [{"bearer": []}]
        op(path, "get", body)
    # The lists (adapters/api/list_routes.cc): reference data as it stands now, findings and
    # cycles as of any point.
    def query(name, description, enum=None):
        schema = {"type": "string"}
        if enum:
            schema["enum"] = enum
        return {"name": name, "in": "query", "schema": schema, "description": description}

    def enum_query(name, enum_name, description):
        return query(name, description, [v for v in enums[enum_name] if not v.endswith("_UNSPECIFIED")])

    paging = [
        query("from", "the first id to include (a page's `next`); default: the first"),
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
         "description": "items per page, 1 to 1000 (default 100)"}]
    org_unit = query("org_unit", "only this org unit and those below it (the caller must be allowed the read on it: 403)")
    lists = [
        ("/api/v1/indicators", "listIndicators", "IndicatorList", False,
         "Indicators the caller may read (a role covering the owning unit, or auditor, performance team or admin anywhere), by id",
         [org_unit, query("priority", "only indicators serving this priority"),
          enum_query("perspective", "Perspective", "balanced-scorecard perspective"),
          enum_query("frequency", "Frequency", "reporting frequency"),
          query("status", "live (default), retired or all", ["live", "retired", "all"])] + paging),
        ("/api/v1/indicators/{indicator_id}", "getIndicator", "IndicatorView", False,
         "An indicator's current pro forma and every target", []),
        ("/api/v1/org-units", "listOrgUnits", "OrgUnitList", False,
         "The org structure depth first from the council (anyone with a role in force)",
         [org_unit, enum_query("kind", "OrgUnitKind", "only units of this kind"),
          query("status", "open (default), closed or all", ["open", "closed", "all"])]),
        ("/api/v1/org-units/{unit_id}", "getOrgUnit", "OrgUnitView", False,
         "One org unit (anyone with a role in force)", []),
        ("/api/v1/people", "listPeople", "PersonList", False,
         "People the caller may read: oneself, people whose home unit a role of theirs covers; everyone for auditors, the performance team and admins. By id",
         [org_unit, enum_query("role", "Role", "only people holding this role today")] + paging),
        ("/api/v1/people/{person_id}", "getPerson", "PersonView", False,
         "A person and every grant made to them", []),
        ("/api/v1/findings", "listFindings", "FindingList", True,
         "Challenge findings the caller may read (a role covering the finding's unit, or auditor, performance team or admin anywhere), by id",
         [query("status", "all (default), unresolved (not closed), open, responded, accepted or closed",
                ["all", "unresolved", "open", "responded", "accepted", "closed"]),
          org_unit, query("indicator", "only findings about this indicator or one of its figures"),
          query("period", "only findings about a figure of this period"),
          enum_query("stage", "ChallengeStage", "only findings raised at this stage"),
          query("owner", "only findings this person owns")] + paging),
        ("/api/v1/findings/{finding_id}", "getFinding", "FindingView", True,
         "One challenge finding with every event of its stream", []),
        ("/api/v1/cycles", "listCycles", "CycleList", True,
         "Every cycle opened, newest period first, with its stages (anyone with a role in force)",
         [query("workflow", "only cycles of this workflow"), query("period", "only cycles of this period"),
          query("status", "all (default), open or closed", ["all", "open", "closed"])]),
    ]
    for path, op_id, schema, takes_as_of, summary, extra in lists:
        body = {"operationId": op_id, "summary": summary, "security": [{"bearer": []}],
                "parameters": (as_of if takes_as_of else []) + extra,
                "responses": {"200": {"description": "OK", "content": json_content(ref(schema))},
                              "400": problem, "401": problem, "403": problem, "404": problem}}
        if takes_as_of:
            body["responses"]["503"] = problem
        op(path, "get", body)
    op("/api/v1/cycles/{workflow_id}/{period}", "get", {
        "operationId": "getCycle", "security": [{"bearer": []}],
        "summary": "A cycle's stages with their open and due instants, reminders and status",
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/CycleView"}}}},
            "401": problem, "403": problem, "404": problem}})
    op("/api/v1/calendars/{feed}", "get", {
        "operationId": "getCalendarFeed",
        "summary": "A person's deadlines as iCalendar (RFC 5545), at a private link: {feed} is "
                   "<feed token>.ics from `goldthread calendar-feed issue`. The token is the only "
                   "credential; it is revocable and never logged",
        "responses": {"200": {"description": "OK", "content": {"text/calendar": {"schema": {"type": "string"}}}},
                      "404": problem, "503": problem}})
    op("/api/v1/clock", "post", {
        "operationId": "advanceClock", "security": [{"bearer": []}],
        "summary": "serve --simulate only: move the simulated clock forward, firing what falls due in order. Performance team and admins only (403 otherwise, nothing written); each move is recorded as a SimulatedClockMoved event on <tenant>/clock",
        "requestBody": {"required": True, "content": json_content(ref("AdvanceClock"))},
        "responses": {"200": {"description": "the new time and how many events fired",
                              "content": json_content(ref("ClockAdvanced"))},
                      "400": problem, "401": problem, "403": problem, "404": problem}})
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "goldthread API", "version": "1",
                 "description": "Performance review cycles for councils. Bodies are the protobuf JSON mapping of "
                                "proto/goldthread/v1; errors are RFC 9457 problem documents."},
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "gt_<token id>_<secret>; see `goldthread token create`"}}},
    }
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
