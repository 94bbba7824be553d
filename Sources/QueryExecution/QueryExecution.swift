/// # QueryExecution
///
/// Runs optimized `LogicalPlan`s over `Columnar.RecordBatch` streams.
///
/// ```
///  LogicalPlan ──PhysicalPlanner──▶ Operator tree (pull: next() → RecordBatch?)
///      Scan ─ TableSource.scan(ScanRequest: columns, pushed filters, limit) → splits → batches
///      Filter · Project ─ ExpressionEvaluator (typed kernels per physical type, 3-valued NULLs)
///      HashAggregate ─ KeyTable (group keys encoded column-wise, flat arrays) + Accumulators
///      HashJoin ─ build the right side once, probe batches (inner/left/right/full/semi/anti)
///      Sort (multi-key, NULLS FIRST/LAST, top-N) · Window · Limit · Union · Values
///  Parallel: an aggregate over Filter/Project/join-probe chains on a scan runs one pipeline per
///  core over the scan's splits (files, row groups) and merges the partial hash tables.
///  MemoryBudget: hash tables, sorts and windows reserve bytes; over the limit → .limitExceeded.
///  QueryEngine: SQL text → parse → bind → optimize → execute → QueryResult (batches + stats).
/// ```
public enum QueryExecutionModule {}
