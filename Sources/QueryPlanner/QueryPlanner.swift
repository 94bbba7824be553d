/// # QueryPlanner
///
/// Turns a parsed statement into an optimized `LogicalPlan`.
///
/// ```
///  SQLParser.Query ──Binder──▶ LogicalPlan + Expr (names resolved to ColumnRef ids, types checked,
///        │                     Trino coercions inserted, subqueries as markers)
///        │  Catalog ─ tables, partition columns, table functions (TableProvider)
///        ▼
///  Optimizer ── Rules/ one per file, each named and switchable, plan validated after each:
///     SubqueryDecorrelation · ConstantFolding · PredicatePushdown · ProjectionPruning
///     · LimitPushdown · JoinSideSelection
///        ▼
///  LogicalPlan ──▶ QueryExecution (physical operators)
/// ```
///
/// Columns are identified by `ColumnRef.id`, unique within one query, so rules can move
/// expressions between nodes without renumbering; execution maps ids to batch positions.
///
/// Types follow Trino: `tinyint < smallint < integer < bigint < decimal < real < double`,
/// integer arithmetic stays integer (overflow is an error, `/` truncates), decimal precision and
/// scale follow Trino's operator rules, `varchar` literals coerce to `date`/`timestamp` when
/// compared with them.
public enum QueryPlannerModule {}
