/// Moves filter conjuncts as close to the data as they can go: through projections (by
/// substituting the projected expressions), sorts, unions, into both sides of inner joins and
/// the preserved side of outer joins, below aggregates when they only test group keys, and
/// finally into scans as hints the source uses for partition, file and row-group pruning.
///
/// A filter over a cross join with a condition that spans both sides turns it into an inner
/// join (so `FROM a, b WHERE a.x = b.y` gets hash-join keys). Join residuals that test only one
/// side move into that side when the join kind allows.
public struct PredicatePushdown: OptimizerRule {
    /// Creates the rule.
    public init() {}
    /// `predicate_pushdown`.
    public var name: String { "predicate_pushdown" }

    /// Pushes every filter down.
    public func apply(_ plan: LogicalPlan, _ context: OptimizerContext) throws -> LogicalPlan {
        rewrite(plan)
    }

    private func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .filter(let n): return push(n.input, n.predicate.conjuncts)
        case .join: return push(plan, [])
        default: return plan.withInputs(plan.inputs.map(rewrite))
        }
    }

    private func pushable(_ e: Expr) -> Bool {
        !e.contains { node in
            switch node {
            case .subquery: true
            case .call(let f, _, _): !f.isDeterministic
            default: false
            }
        }
    }

    private func wrap(_ plan: LogicalPlan, _ conjuncts: [Expr]) -> LogicalPlan {
        conjuncts.isEmpty ? plan : .filter(FilterNode(input: plan, predicate: Expr.conjunction(conjuncts)))
    }

    private func push(_ plan: LogicalPlan, _ conjuncts: [Expr]) -> LogicalPlan {
        switch plan {
        case .filter(let n):
            return push(n.input, conjuncts + n.predicate.conjuncts)

        case .project(var n):
            let deterministic = Dictionary(uniqueKeysWithValues: n.items.filter { pushable($0.expr) }.map { ($0.ref, $0.expr) })
            var down: [Expr] = [], keep: [Expr] = []
            for conjunct in conjuncts {
                if pushable(conjunct) && conjunct.columns.allSatisfy({ deterministic[$0] != nil }) {
                    down.append(conjunct.substitute(deterministic))
                } else {
                    keep.append(conjunct)
                }
            }
            n.input = push(n.input, down)
            return wrap(.project(n), keep)

        case .sort(var n) where n.limit == nil:
            n.input = push(n.input, conjuncts)
            return .sort(n)

        case .union(var n):
            var keep: [Expr] = []
            var perInput: [[Expr]] = Array(repeating: [], count: n.inputs.count)
            for conjunct in conjuncts {
                guard pushable(conjunct) else {
                    keep.append(conjunct)
                    continue
                }
                for (index, input) in n.inputs.enumerated() {
                    let mapping = Dictionary(uniqueKeysWithValues: zip(n.columns, input.outputs.map { Expr.column($0) }))
                    perInput[index].append(conjunct.substitute(mapping))
                }
            }
            n.inputs = zip(n.inputs, perInput).map { push($0, $1) }
            return wrap(.union(n), keep)

        case .aggregate(var n) where !n.groups.isEmpty:
            let groups = Dictionary(uniqueKeysWithValues: n.groups.map { ($0.ref, $0.expr) })
            var down: [Expr] = [], keep: [Expr] = []
            for conjunct in conjuncts {
                if pushable(conjunct) && conjunct.columns.allSatisfy({ groups[$0] != nil }) {
                    down.append(conjunct.substitute(groups))
                } else {
                    keep.append(conjunct)
                }
            }
            n.input = push(n.input, down)
            return wrap(.aggregate(n), keep)

        case .join(var n):
            let leftSet = Set(n.left.outputs), rightSet = Set(n.right.outputs)
            var toLeft: [Expr] = [], toRight: [Expr] = [], toJoin: [Expr] = [], keep: [Expr] = []
            let innerLike = n.kind == .inner || n.kind == .cross
            for conjunct in conjuncts {
                let columns = conjunct.columns
                guard pushable(conjunct) else {
                    keep.append(conjunct)
                    continue
                }
                if columns.isSubset(of: leftSet) && [.inner, .cross, .left, .semi, .anti].contains(n.kind) {
                    toLeft.append(conjunct)
                } else if columns.isSubset(of: rightSet) && [.inner, .cross, .right].contains(n.kind) {
                    toRight.append(conjunct)
                } else if innerLike {
                    toJoin.append(conjunct)
                } else {
                    keep.append(conjunct)
                }
            }
            // The join's own residual: one-sided parts move into a side where the kind allows.
            var residual: [Expr] = []
            for conjunct in n.residual?.conjuncts ?? [] {
                let columns = conjunct.columns
                if pushable(conjunct) && columns.isSubset(of: leftSet) && [.inner, .right, .semi].contains(n.kind) {
                    toLeft.append(conjunct)
                } else if pushable(conjunct) && columns.isSubset(of: rightSet) && [.inner, .left, .semi, .anti].contains(n.kind) {
                    toRight.append(conjunct)
                } else {
                    residual.append(conjunct)
                }
            }
            for conjunct in toJoin {
                if case .compare(.equal, let a, let b) = conjunct {
                    let ca = a.columns, cb = b.columns
                    if !ca.isEmpty, !cb.isEmpty, ca.isSubset(of: leftSet), cb.isSubset(of: rightSet) {
                        n.leftKeys.append(a)
                        n.rightKeys.append(b)
                        continue
                    }
                    if !ca.isEmpty, !cb.isEmpty, ca.isSubset(of: rightSet), cb.isSubset(of: leftSet) {
                        n.leftKeys.append(b)
                        n.rightKeys.append(a)
                        continue
                    }
                }
                residual.append(conjunct)
            }
            if n.kind == .cross && (!n.leftKeys.isEmpty || !residual.isEmpty) { n.kind = .inner }
            n.residual = residual.isEmpty ? nil : Expr.conjunction(residual)
            n.left = push(n.left, toLeft)
            n.right = push(n.right, toRight)
            return wrap(.join(n), keep)

        case .scan(var n):
            for conjunct in conjuncts where pushable(conjunct) && !n.filters.contains(conjunct) {
                n.filters.append(conjunct)
            }
            return wrap(.scan(n), conjuncts)

        default:
            return wrap(plan.withInputs(plan.inputs.map(rewrite)), conjuncts)
        }
    }
}
