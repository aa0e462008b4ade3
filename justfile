# Recipes a newcomer needs. `just` is optional: each recipe is one cargo command you can run
# directly (see README.md).

# check every scenario under scenarios/
check *ARGS:
    cargo run --release -- check {{ARGS}}

# run every test (each scenario file is a test case)
test:
    cargo test --workspace

# review changed trace snapshots under reports/traces/
review:
    cargo insta review

# exploration throughput on the bench scenarios
bench:
    cargo bench --bench throughput

# replay a trace written by `check --save-traces DIR`
replay TRACE:
    cargo run --release -- replay {{TRACE}}

# list scenarios with their expectations
list:
    cargo run --release -- list
