//! Runs any syncsim model under shuttle and loom (work in progress).
