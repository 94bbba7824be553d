import Columnar
import QueryPlanner
import SQLParser
import TarnCore
import Testing

@Suite struct OptimizerTests {
    @Test func predicatesReachTheScan() throws {
        let plan = try Planner.optimize("SELECT qty FROM sales WHERE year = 2024 AND month = 3 AND day BETWEEN 25 AND 31 AND qty > 1")
        let scan = try #require(Planner.scans(plan).first)
        #expect(scan.filters.count >= 4)
        #expect(scan.filters.contains { $0.columns.map(\.name) == ["year"] })
        let withoutRule = try Planner.optimize("SELECT qty FROM sales WHERE year = 2024", disabled: ["predicate_pushdown"])
        #expect(Planner.scans(withoutRule).first?.filters.isEmpty == true)
    }

    @Test func predicatesPassThroughJoinsProjectionsAndAggregates() throws {
        let plan = try Planner.optimize(
            """
            SELECT * FROM (SELECT s.store_id, sum(s.qty) AS q FROM sales s JOIN stores t ON s.store_id = t.store_id
                           GROUP BY s.store_id) x
            WHERE x.store_id = 7
            """)
        let scans = Planner.scans(plan)
        #expect(scans.count == 2)
        // The filter on the group key reaches the sales scan below the aggregate and the join.
        #expect(scans.contains { $0.table.provider.displayName == "default.sales" && !$0.filters.isEmpty })
    }

    @Test func commaJoinBecomesHashJoin() throws {
        let plan = try Planner.optimize("SELECT name FROM sales s, stores t WHERE s.store_id = t.store_id")
        let joins = Planner.nodes(plan).compactMap { if case .join(let j) = $0 { j } else { nil } }
        #expect(joins.count == 1)
        #expect(joins[0].kind == .inner)
        #expect(joins[0].leftKeys.count == 1)
    }

    @Test func onlyUsedColumnsAreScanned() throws {
        let plan = try Planner.optimize("SELECT sum(qty) FROM sales WHERE year = 2024")
        let scan = try #require(Planner.scans(plan).first)
        #expect(Set(scan.columns.map(\.sourceName)) == ["qty", "year"])
        #expect(scan.columns.first { $0.sourceName == "year" }?.isPartition == true)
        let unpruned = try Planner.optimize("SELECT sum(qty) FROM sales", disabled: ["projection_pruning"])
        #expect(Planner.scans(unpruned).first?.columns.count == 10)
    }

    @Test func limitBecomesTopNAndReachesScans() throws {
        let topN = try Planner.optimize("SELECT qty FROM sales ORDER BY qty DESC LIMIT 5")
        let sort = Planner.nodes(topN).compactMap { if case .sort(let s) = $0 { s } else { nil } }.first
        #expect(sort?.limit == 5)
        let plain = try Planner.optimize("SELECT qty FROM sales LIMIT 7 OFFSET 3")
        #expect(Planner.scans(plain).first?.limit == 10)
    }

    @Test func buildSideIsTheSmallerInput() throws {
        // Written with the large table on the right: the rule swaps so stores is built.
        let plan = try Planner.optimize("SELECT name, qty FROM stores t JOIN sales s ON s.store_id = t.store_id")
        let join = try #require(Planner.nodes(plan).compactMap { if case .join(let j) = $0 { j } else { nil } }.first)
        #expect(Planner.scans(join.right).first?.table.provider.displayName == "default.stores")
        let unswapped = try Planner.optimize("SELECT name, qty FROM stores t JOIN sales s ON s.store_id = t.store_id", disabled: ["join_side_selection"])
        let kept = try #require(Planner.nodes(unswapped).compactMap { if case .join(let j) = $0 { j } else { nil } }.first)
        #expect(Planner.scans(kept.right).first?.table.provider.displayName == "default.sales")
    }

    @Test func subqueriesBecomeJoins() throws {
        let plan = try Planner.optimize(
            """
            SELECT name FROM stores t
            WHERE EXISTS (SELECT 1 FROM sales s WHERE s.store_id = t.store_id)
              AND t.store_id NOT IN (SELECT store_id FROM sales WHERE qty > 100)
              AND t.store_id > (SELECT min(store_id) FROM stores)
            """)
        let kinds = Planner.nodes(plan).compactMap { if case .join(let j) = $0 { j } else { nil } }
        #expect(kinds.contains { $0.kind == .semi && $0.leftKeys.count == 1 })
        #expect(kinds.contains { $0.kind == .anti && $0.nullAware })
        #expect(kinds.contains { $0.enforceSingleRow })
        #expect(!Planner.nodes(plan).contains { node in node.expressions.contains { $0.contains { if case .subquery = $0 { true } else { false } } } })
    }

    @Test func correlatedScalarSubqueryGroupsByTheCorrelation() throws {
        let plan = try Planner.optimize("SELECT name, (SELECT count(*) FROM sales s WHERE s.store_id = t.store_id) FROM stores t")
        let aggregates = Planner.nodes(plan).compactMap { if case .aggregate(let a) = $0 { a } else { nil } }
        #expect(aggregates.first?.groups.count == 1)
        #expect(plan.description.contains("coalesce"))
    }

    @Test func constantFoldingSimplifiesBooleans() throws {
        let plan = try Optimizer().optimize(try Planner.bind("SELECT qty FROM sales WHERE qty > 1 AND (1 = 1 OR qty < 0)").plan) { expr in
            // A tiny evaluator for the test: only integer comparisons of literals.
            if case .compare(.equal, .literal(let a, _), .literal(let b, _)) = expr { return .bool(a == b) }
            throw TarnError(.unsupported, "test evaluator")
        }
        let filters = Planner.nodes(plan).compactMap { if case .filter(let f) = $0 { f.predicate } else { nil } }
        #expect(filters.count == 1)
        #expect(filters.first?.conjuncts.count == 1)
    }

    struct BreakingRule: OptimizerRule {
        var name: String { "breaking" }
        func apply(_ plan: LogicalPlan, _ context: OptimizerContext) throws -> LogicalPlan {
            // Drops every projection's input columns: the validator must notice.
            plan.transformUp { node in
                if case .project(var p) = node {
                    p.input = .values(ValuesNode(columns: [], rows: [[]]))
                    return .project(p)
                }
                return node
            }
        }
    }

    @Test func validatorCatchesABrokenRule() throws {
        let optimizer = Optimizer(rules: [BreakingRule()])
        #expect(throws: TarnError.self) { try optimizer.optimize(try Planner.bind("SELECT qty + 1 FROM sales").plan) }
        do {
            _ = try optimizer.optimize(try Planner.bind("SELECT qty + 1 FROM sales").plan)
        } catch let error as TarnError {
            #expect(error.code == .internal)
            #expect(error.message.contains("after breaking"))
        }
    }

    @Test func explainShowsPushedFilters() throws {
        let plan = try Planner.optimize("SELECT count(*) FROM sales WHERE year = 2024")
        #expect(plan.description.contains("Scan[default.sales]"))
        #expect(plan.description.contains("filters=[(year#"))
    }
}
