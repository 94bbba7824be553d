import Columnar
import SQLParser
import TarnCore

/// Scalar expressions: name resolution, literals, operators with Trino's typing.
extension Binder {
    func bindExpression(_ expression: Expression, _ context: ExpressionContext) throws -> Expr {
        let location = expression.location
        switch expression.kind {
        case .identifier(let parts):
            return .column(try resolveColumn(parts, location, context))

        case .literal(let literal):
            return try bindLiteral(literal, location)

        case .star:
            throw semanticError(location, "'*' is only allowed in the select list and in count(*)")

        case .unary(let op, let operand):
            switch op {
            case .plus:
                let value = try bindExpression(operand, context)
                guard value.type.isNumeric || isNullLiteral(value) else {
                    throw typeError(location, "Cannot apply operator: +\(SQLTypes.name(value.type))")
                }
                return value
            case .minus:
                if case .literal(let literal) = operand.kind {
                    switch literal {
                    case .integer(let text): return try bindLiteral(.integer("-" + text), location)
                    case .decimal(let text): return try bindLiteral(.decimal("-" + text), location)
                    case .double(let text): return try bindLiteral(.double("-" + text), location)
                    default: break
                    }
                }
                let value = try bindExpression(operand, context)
                if isNullLiteral(value) { return value }
                guard value.type.isNumeric else {
                    throw typeError(location, "Cannot negate \(SQLTypes.name(value.type))")
                }
                return .call(.negate, [value], value.type)
            case .not:
                let value = try bindExpression(operand, context)
                try requireBooleanOperand(value, location, "NOT")
                return .not(coerce(value, to: .boolean))
            }

        case .binary(let op, let leftAST, let rightAST):
            return try bindBinary(op, leftAST, rightAST, location, context)

        case .between(let valueAST, let lowAST, let highAST, let negated):
            let value = try bindExpression(valueAST, context)
            let low = try bindExpression(lowAST, context)
            let high = try bindExpression(highAST, context)
            let type = try unify([value, low, high], location, "BETWEEN")
            let expr = Expr.and([
                .compare(.greaterOrEqual, coerce(value, to: type), coerce(low, to: type)),
                .compare(.lessOrEqual, coerce(value, to: type), coerce(high, to: type)),
            ])
            return negated ? .not(expr) : expr

        case .inList(let valueAST, let itemASTs, let negated):
            let value = try bindExpression(valueAST, context)
            let items = try itemASTs.map { try bindExpression($0, context) }
            let type = try unify([value] + items, location, "IN")
            let expr = Expr.inList(coerce(value, to: type), items.map { coerce($0, to: type) })
            return negated ? .not(expr) : expr

        case .inSubquery(let valueAST, let query, let negated):
            let value = try bindExpression(valueAST, context)
            var (plan, outer) = try bindSubquery(query, context)
            guard plan.outputs.count == 1 else {
                throw semanticError(location, "Multiple columns returned by subquery are not yet supported. Found \(plan.outputs.count)")
            }
            let type = try unify([value, .column(plan.outputs[0])], location, "IN")
            plan = align(plan, to: [type])
            nextSubqueryID += 1
            let sub = SubqueryExpr(
                kind: .inSubquery, plan: plan, probe: coerce(value, to: type), outerReferences: outer, id: nextSubqueryID, type: .boolean)
            return negated ? .not(.subquery(sub)) : .subquery(sub)

        case .exists(let query):
            let (plan, outer) = try bindSubquery(query, context)
            nextSubqueryID += 1
            return .subquery(SubqueryExpr(kind: .exists, plan: plan, probe: nil, outerReferences: outer, id: nextSubqueryID, type: .boolean))

        case .scalarSubquery(let query):
            let (plan, outer) = try bindSubquery(query, context)
            guard plan.outputs.count == 1 else {
                throw semanticError(location, "Multiple columns returned by subquery are not yet supported. Found \(plan.outputs.count)")
            }
            nextSubqueryID += 1
            return .subquery(SubqueryExpr(
                kind: .scalar, plan: plan, probe: nil, outerReferences: outer, id: nextSubqueryID, type: plan.outputs[0].type))

        case .like(let valueAST, let patternAST, let escapeAST, let negated):
            let value = try bindExpression(valueAST, context)
            let pattern = try bindExpression(patternAST, context)
            let escape = try escapeAST.map { try bindExpression($0, context) }
            for operand in [value, pattern] + (escape.map { [$0] } ?? []) where operand.type != .string && !isNullLiteral(operand) {
                throw typeError(location, "Cannot apply LIKE to \(SQLTypes.name(operand.type))")
            }
            let expr = Expr.like(coerce(value, to: .string), pattern: coerce(pattern, to: .string), escape: escape.map { coerce($0, to: .string) })
            return negated ? .not(expr) : expr

        case .isNull(let valueAST, let negated):
            let value = try bindExpression(valueAST, context)
            return negated ? .not(.isNull(value)) : .isNull(value)

        case .isDistinctFrom(let leftAST, let rightAST, let negated):
            let left = try bindExpression(leftAST, context)
            let right = try bindExpression(rightAST, context)
            let type = try unify([left, right], location, "IS DISTINCT FROM")
            let expr = Expr.isDistinctFrom(coerce(left, to: type), coerce(right, to: type))
            return negated ? .not(expr) : expr

        case .caseWhen(let operandAST, let whens, let otherwiseAST):
            var conditions: [Expr] = []
            if let operandAST {
                let operand = try bindExpression(operandAST, context)
                let values = try whens.map { try bindExpression($0.condition, context) }
                let type = try unify([operand] + values, location, "CASE")
                conditions = values.map { .compare(.equal, coerce(operand, to: type), coerce($0, to: type)) }
            } else {
                for when in whens {
                    let condition = try bindExpression(when.condition, context)
                    try requireBooleanOperand(condition, when.condition.location, "WHEN")
                    conditions.append(coerce(condition, to: .boolean))
                }
            }
            let results = try whens.map { try bindExpression($0.result, context) }
            let otherwise = try otherwiseAST.map { try bindExpression($0, context) }
            let type = try unify(results + (otherwise.map { [$0] } ?? []), location, "CASE")
            return .caseWhen(
                conditions: conditions, results: results.map { coerce($0, to: type) }, otherwise: otherwise.map { coerce($0, to: type) }, type)

        case .cast(let valueAST, let typeName, let safe):
            let value = try bindExpression(valueAST, context)
            let type: DataType
            do { type = try SQLTypes.resolve(typeName) } catch let error as TarnError { throw typeError(location, error.message) }
            if isNullLiteral(value) { return .null(type) }
            if value.type == type { return value }
            guard Self.canCast(value.type, to: type) else {
                throw typeError(location, "Cannot cast \(SQLTypes.name(value.type)) to \(SQLTypes.name(type))")
            }
            return .cast(value, type, safe: safe)

        case .function(let call):
            return try bindFunction(call, location, context)

        case .extract(let field, let valueAST):
            let function: String
            switch field {
            case "YEAR": function = "year"
            case "QUARTER": function = "quarter"
            case "MONTH": function = "month"
            case "WEEK": function = "week"
            case "DAY", "DAY_OF_MONTH": function = "day"
            case "DAY_OF_WEEK", "DOW": function = "day_of_week"
            case "DAY_OF_YEAR", "DOY": function = "day_of_year"
            case "HOUR": function = "hour"
            case "MINUTE": function = "minute"
            case "SECOND": function = "second"
            default: throw semanticError(location, "Invalid EXTRACT field: \(field)")
            }
            let call = FunctionCall(name: [Identifier(function)], arguments: [valueAST])
            return try bindFunction(call, location, context)

        case .array:
            throw TarnError(.unsupported, "line \(location): ARRAY values are only supported in table properties")
        }
    }

    // MARK: Names

    func resolveColumn(_ parts: [Identifier], _ location: SourceLocation, _ context: ExpressionContext) throws -> ColumnRef {
        let key = parts.map(\.canonical)
        var scope: Scope? = context.scope
        var depth = 0
        while let current = scope {
            let found = current.matches(key)
            let refs = Set(found.map(\.ref))
            if refs.count > 1 {
                throw semanticError(location, "Column '\(parts.map(\.name).joined(separator: "."))' is ambiguous")
            }
            if let ref = refs.first {
                if depth > 0 {
                    // A correlated reference: the innermost subquery being bound records it.
                    if !correlation.isEmpty && !correlation[correlation.count - 1].contains(ref) {
                        correlation[correlation.count - 1].append(ref)
                    }
                } else if let aggregation = context.aggregation, aggregation.locations[ref] == nil, !context.insideAggregate {
                    aggregation.locations[ref] = location
                }
                return ref
            }
            scope = current.parent
            depth += 1
        }
        throw semanticError(location, "Column '\(parts.map(\.name).joined(separator: "."))' cannot be resolved")
    }

    /// Binds a subquery whose names may refer to the enclosing scope; returns the plan and the
    /// outer columns it refers to.
    func bindSubquery(_ query: Query, _ context: ExpressionContext) throws -> (LogicalPlan, [ColumnRef]) {
        correlation.append([])
        defer { correlation.removeLast() }
        let (plan, _) = try bindQuery(query, outer: context.scope)
        let outer = correlation[correlation.count - 1]
        // References that reach further out also belong to the enclosing subquery, if any.
        if correlation.count >= 2 {
            let own = Set(context.scope.columns.map(\.ref))
            for ref in outer where !own.contains(ref) && !correlation[correlation.count - 2].contains(ref) {
                correlation[correlation.count - 2].append(ref)
            }
        }
        return (plan, outer)
    }

    // MARK: Literals

    func bindLiteral(_ literal: Literal, _ location: SourceLocation) throws -> Expr {
        switch literal {
        case .null: return .null(.boolean)
        case .boolean(let value): return .literal(.bool(value), .boolean)
        case .integer(let text):
            guard let value = Int64(text) else {
                // Trino reads integer literals beyond BIGINT as DECIMAL.
                if let unscaled = DecimalText.parse(text, scale: 0), text.filter(\.isNumber).count <= SQLTypes.maxPrecision {
                    return .literal(.decimal(unscaled, scale: 0), .decimal(precision: text.filter(\.isNumber).count, scale: 0))
                }
                throw semanticError(location, "Invalid numeric literal: \(text)")
            }
            if let small = Int32(exactly: value) { return .literal(.int(Int64(small)), .int32) }
            return .literal(.int(value), .int64)
        case .decimal(let text):
            if options.parseDecimalLiteralsAsDouble {
                guard let value = Double(text) else { throw semanticError(location, "Invalid numeric literal: \(text)") }
                return .literal(.double(value), .float64)
            }
            let digits = text.hasPrefix("-") ? String(text.dropFirst()) : text
            let (precision, scale) = DecimalText.literalType(digits)
            guard precision <= SQLTypes.maxPrecision, let unscaled = DecimalText.parse(text, scale: scale) else {
                throw semanticError(location, "Invalid numeric literal: \(text)")
            }
            return .literal(.decimal(unscaled, scale: scale), .decimal(precision: precision, scale: scale))
        case .double(let text):
            guard let value = Double(text) else { throw semanticError(location, "Invalid numeric literal: \(text)") }
            return .literal(.double(value), .float64)
        case .string(let value):
            return .literal(.string(value), .string)
        case .typed(let type, let value):
            switch type {
            case "DATE":
                guard let days = CivilTime.parseDate(value) else { throw semanticError(location, "'\(value)' is not a valid DATE literal") }
                return .literal(.date(days), .date)
            case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE":
                guard let micros = CivilTime.parseTimestamp(value) else {
                    throw semanticError(location, "'\(value)' is not a valid TIMESTAMP literal")
                }
                return .literal(.timestamp(micros, .microseconds), type == "TIMESTAMP" ? SQLTypes.timestamp : SQLTypes.timestampUTC)
            case "DECIMAL":
                let (precision, scale) = DecimalText.literalType(value.trimmingPrefix("-").trimmingPrefix("+").description)
                guard let unscaled = DecimalText.parse(value, scale: scale) else {
                    throw semanticError(location, "'\(value)' is not a valid DECIMAL literal")
                }
                return .literal(.decimal(unscaled, scale: scale), .decimal(precision: precision, scale: scale))
            case "REAL", "DOUBLE":
                guard let number = Double(value) else { throw semanticError(location, "'\(value)' is not a valid \(type) literal") }
                return .literal(.double(number), type == "REAL" ? .float32 : .float64)
            case "BIGINT", "INTEGER":
                guard let number = Int64(value.trimmingCharacters(in: .whitespaces)) else {
                    throw semanticError(location, "'\(value)' is not a valid \(type) literal")
                }
                return .literal(.int(number), type == "BIGINT" ? .int64 : .int32)
            case "VARCHAR", "CHAR":
                return .literal(.string(value), .string)
            default:
                throw TarnError(.unsupported, "line \(location): \(type) literals are not supported")
            }
        case .interval:
            throw semanticError(location, "INTERVAL values can only be added to or subtracted from dates and timestamps")
        }
    }

    // MARK: Operators

    private func bindBinary(_ op: BinaryOperator, _ leftAST: Expression, _ rightAST: Expression, _ location: SourceLocation, _ context: ExpressionContext) throws -> Expr {
        // date/timestamp ± INTERVAL → date_add(unit, amount, value)
        if op == .add || op == .subtract {
            if case .literal(.interval(let value, let negative, let unit, let to)) = rightAST.kind {
                let base = try bindExpression(leftAST, context)
                return try intervalArithmetic(base, value: value, negative: negative != (op == .subtract), unit: unit, to: to, location)
            }
            if op == .add, case .literal(.interval(let value, let negative, let unit, let to)) = leftAST.kind {
                let base = try bindExpression(rightAST, context)
                return try intervalArithmetic(base, value: value, negative: negative, unit: unit, to: to, location)
            }
        }
        let left = try bindExpression(leftAST, context)
        let right = try bindExpression(rightAST, context)
        switch op {
        case .and, .or:
            try requireBooleanOperand(left, leftAST.location, op.rawValue)
            try requireBooleanOperand(right, rightAST.location, op.rawValue)
            let items = [coerce(left, to: .boolean), coerce(right, to: .boolean)].flatMap { item -> [Expr] in
                switch (op, item) {
                case (.and, .and(let inner)), (.or, .or(let inner)): inner
                default: [item]
                }
            }
            return op == .and ? .and(items) : .or(items)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            let type = try comparisonType(left, right, op, location)
            let compare: CompareOperator
            switch op {
            case .equal: compare = .equal
            case .notEqual: compare = .notEqual
            case .less: compare = .less
            case .lessOrEqual: compare = .lessOrEqual
            case .greater: compare = .greater
            default: compare = .greaterOrEqual
            }
            return .compare(compare, coerce(left, to: type), coerce(right, to: type))
        case .concat:
            for operand in [left, right] where operand.type != .string && !isNullLiteral(operand) {
                throw typeError(location, "Cannot apply operator: \(SQLTypes.name(left.type)) || \(SQLTypes.name(right.type))")
            }
            return .call(.concat, [coerce(left, to: .string), coerce(right, to: .string)], .string)
        case .add, .subtract, .multiply, .divide, .modulo:
            return try arithmetic(op, left, right, location)
        }
    }

    func arithmetic(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ location: SourceLocation) throws -> Expr {
        let arith: ArithmeticOperator
        switch op {
        case .add: arith = .add
        case .subtract: arith = .subtract
        case .multiply: arith = .multiply
        case .divide: arith = .divide
        default: arith = .modulo
        }
        let lt = isNullLiteral(left) ? right.type : left.type
        let rt = isNullLiteral(right) ? left.type : right.type
        guard let result = Self.arithmeticType(arith, lt, rt) else {
            throw typeError(location, "Cannot apply operator: \(SQLTypes.name(left.type)) \(op.rawValue) \(SQLTypes.name(right.type))")
        }
        if case .decimal = result {
            // Operands keep their own scale; integers become exact decimals.
            func asDecimal(_ e: Expr, _ t: DataType) -> Expr {
                guard let (p, s) = SQLTypes.decimalOf(t) else { return e }
                return coerce(e, to: .decimal(precision: p, scale: s))
            }
            return .arithmetic(arith, asDecimal(left, lt), asDecimal(right, rt), result)
        }
        return .arithmetic(arith, coerce(left, to: result), coerce(right, to: result), result)
    }

    /// Trino's result type of an arithmetic operator, or nil when it does not apply.
    static func arithmeticType(_ op: ArithmeticOperator, _ a: DataType, _ b: DataType) -> DataType? {
        guard a.isNumeric, b.isNumeric else { return nil }
        if a == .float64 || b == .float64 { return .float64 }
        if a == .float32 || b == .float32 { return .float32 }
        if a.isInteger && b.isInteger { return SQLTypes.commonSuperType(a, b) }
        guard let (p1, s1) = SQLTypes.decimalOf(a), let (p2, s2) = SQLTypes.decimalOf(b) else { return nil }
        let p: Int, s: Int
        switch op {
        case .add, .subtract:
            s = max(s1, s2)
            p = min(38, max(p1 - s1, p2 - s2) + s + 1)
        case .multiply:
            s = s1 + s2
            p = min(38, p1 + p2)
        case .divide:
            s = max(s1, s2)
            p = min(38, p1 + s2 + max(s2 - s1, 0))
        case .modulo:
            s = max(s1, s2)
            p = min(38, min(p2 - s2, p1 - s1) + s)
        }
        return .decimal(precision: max(p, s, 1), scale: min(s, 38))
    }

    private func intervalArithmetic(_ base: Expr, value: String, negative: Bool, unit: IntervalUnit, to: IntervalUnit?, _ location: SourceLocation) throws -> Expr {
        guard to == nil, var amount = Int64(value.trimmingCharacters(in: .whitespaces)) else {
            throw TarnError(.unsupported, "line \(location): INTERVAL '\(value)' \(unit.rawValue)\(to.map { " TO \($0.rawValue)" } ?? "") is not supported")
        }
        if negative { amount = -amount }
        var type = base.type
        if base.type == .string {
            type = SQLTypes.timestamp
        }
        switch type {
        case .date, .timestamp: break
        default: throw typeError(location, "Cannot add INTERVAL to \(SQLTypes.name(base.type))")
        }
        if type == .date, [IntervalUnit.hour, .minute, .second, .millisecond].contains(unit) {
            type = SQLTypes.timestamp
        }
        return .call(.dateAdd, [.literal(.string(unit.rawValue.lowercased()), .string), .literal(.int(amount), .int64), coerce(base, to: type)], type)
    }

    /// The type two compared values are coerced to; strings compared with dates or timestamps
    /// become dates or timestamps.
    func comparisonType(_ left: Expr, _ right: Expr, _ op: BinaryOperator, _ location: SourceLocation) throws -> DataType {
        if isNullLiteral(left) { return right.type }
        if isNullLiteral(right) { return left.type }
        switch (left.type, right.type) {
        case (.string, .date), (.string, .timestamp): return right.type
        case (.date, .string), (.timestamp, .string): return left.type
        default: break
        }
        guard let type = SQLTypes.commonSuperType(left.type, right.type) else {
            throw typeError(location, "Cannot apply operator: \(SQLTypes.name(left.type)) \(op.rawValue) \(SQLTypes.name(right.type))")
        }
        return type
    }

    // MARK: Coercion

    func isNullLiteral(_ expr: Expr) -> Bool {
        if case .literal(.null, _) = expr { return true }
        return false
    }

    func requireBooleanOperand(_ expr: Expr, _ location: SourceLocation, _ what: String) throws {
        if isNullLiteral(expr) || expr.type == .boolean { return }
        throw typeError(location, "\(what) operand must be boolean: actual type \(SQLTypes.name(expr.type))")
    }

    /// The common type of several values (NULL literals adapt to it).
    func unify(_ exprs: [Expr], _ location: SourceLocation, _ what: String) throws -> DataType {
        var type: DataType? = nil
        for expr in exprs where !isNullLiteral(expr) {
            guard let current = type else {
                type = expr.type
                continue
            }
            if let common = SQLTypes.commonSuperType(current, expr.type) {
                type = common
            } else if current == .string && (expr.type == .date || expr.type == .timestamp(.microseconds, utc: false)) {
                type = expr.type
            } else if expr.type == .string && (current == .date || current == .timestamp(.microseconds, utc: false)) {
                continue
            } else {
                throw typeError(location, "\(what) operands must be the same type: \(SQLTypes.name(current)), \(SQLTypes.name(expr.type))")
            }
        }
        return type ?? exprs.first?.type ?? .boolean
    }

    /// `expr` as `type` (a typed NULL, the expression itself, or a cast).
    func coerce(_ expr: Expr, to type: DataType) -> Expr {
        if expr.type == type && !isNullLiteral(expr) { return expr }
        if isNullLiteral(expr) { return .null(type) }
        return .cast(expr, type, safe: false)
    }

    /// Whether an explicit CAST between the types is supported.
    static func canCast(_ from: DataType, to: DataType) -> Bool {
        func scalar(_ t: DataType) -> Bool {
            switch t {
            case .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .decimal, .date, .timestamp, .string: true
            default: false
            }
        }
        if from == to { return true }
        if from == .binary && to == .string || from == .string && to == .binary { return true }
        guard scalar(from), scalar(to) else { return false }
        switch (from, to) {
        case (.date, .boolean), (.boolean, .date), (.timestamp, .boolean), (.boolean, .timestamp): return false
        case (.date, _) where to.isNumeric, (.timestamp, _) where to.isNumeric: return false
        case (_, .date) where from.isNumeric, (_, .timestamp) where from.isNumeric: return false
        default: return true
        }
    }
}
