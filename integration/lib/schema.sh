# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Validation of 'ogw --json' output against the JSON Schemas in docs/schema/
# (docs/cli-json.md), sourced after lib/netns.sh. Needs python3-jsonschema: see
# schema_available.

SCHEMA_DIR="$OGW_SOURCE_DIR/docs/schema"

# schema_available: true when python3 can validate (the module jsonschema is installed).
schema_available() {
    "$PYTHON" -c 'import jsonschema' 2>/dev/null
}

# schema_errors SCHEMA JSON: prints why JSON does not validate against
# docs/schema/SCHEMA.schema.json (references resolved next to it); fails if it does not.
schema_errors() {
    "$PYTHON" - "$SCHEMA_DIR/$1.schema.json" "$2" 2>&1 <<'PY'
import json, pathlib, sys, warnings
import jsonschema
warnings.simplefilter("ignore", DeprecationWarning)
path = pathlib.Path(sys.argv[1]).resolve()
schema = json.loads(path.read_text())
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
resolver = jsonschema.RefResolver(base_uri=path.as_uri(), referrer=schema)
errors = sorted(cls(schema, resolver=resolver).iter_errors(json.loads(sys.argv[2])),
                key=lambda e: list(map(str, e.absolute_path)))
for e in errors[:5]:
    print("at /%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:300]))
sys.exit(1 if errors else 0)
PY
}

# validate SCHEMA WHAT JSON: JSON validates against SCHEMA, or the test fails.
validate() {
    local out
    out=$(schema_errors "$1" "$3") || fail "$2 does not validate against $1.schema.json: $out"
    ok "$2 validates against $1.schema.json"
}

# rejects SCHEMA WHAT JSON: JSON does not validate against SCHEMA, or the test fails.
rejects() {
    local out
    if out=$(schema_errors "$1" "$3"); then
        fail "$1.schema.json accepts $2"
    fi
    ok "$1.schema.json rejects $2: $out"
}

# check NS SCHEMA ARGS...: 'ogw --json ARGS' on NS validates against SCHEMA.
check() {
    local s=$1 schema=$2
    shift 2
    validate "$schema" "ogw --json $* on $s" "$(ogw_json "$s" "$@")"
}
