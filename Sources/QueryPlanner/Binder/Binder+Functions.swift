import Columnar
import SQLParser
import TarnCore

/// Function calls: special forms (COALESCE, NULLIF, IF), aggregates, window functions and
/// scalar functions with their Trino signatures.
extension Binder {
    func bindFunction(_ call: FunctionCall, _ location: SourceLocation, _ context: ExpressionContext) throws -> Expr {
        let name = call.canonicalName
        if call.window != nil {
            return try bindWindowFunction(call, name, location, context)
        }
        if let aggregate = FunctionAliases.aggregate[name] {
            return try bindAggregate(call, aggregate, location, context)
        }
        if FunctionAliases.window[name] != nil {
            throw semanticError(location, "Window function \(name) requires an OVER clause")
        }
        if call.distinct || call.filter != nil || call.isStar {
            throw semanticError(location, "Function '\(name)' is not an aggregate function")
        }
        let args = try call.arguments.map { try bindExpression($0, context) }
        switch name {
        case "coalesce":
            guard !args.isEmpty else { throw semanticError(location, "coalesce requires at least one argument") }
            let type = try unify(args, location, "COALESCE")
            if args.count == 1 { return coerce(args[0], to: type) }
            return .coalesce(args.map { coerce($0, to: type) }, type)
        case "nullif":
            try arity(args, 2, name, location)
            let type = try unify(args, location, "NULLIF")
            // NULLIF(a, b) = CASE WHEN a = b THEN NULL ELSE a END, typed as a.
            return .caseWhen(
                conditions: [.compare(.equal, coerce(args[0], to: type), coerce(args[1], to: type))], results: [.null(args[0].type)],
                otherwise: args[0], args[0].type)
        case "if":
            guard args.count == 2 || args.count == 3 else { throw arityError(name, args, location) }
            try requireBooleanOperand(args[0], location, "IF condition")
            let results = Array(args.dropFirst())
            let type = try unify(results, location, "IF")
            return .caseWhen(
                conditions: [coerce(args[0], to: .boolean)], results: [coerce(args[1], to: type)],
                otherwise: args.count == 3 ? coerce(args[2], to: type) : .null(type), type)
        case "try":
            try arity(args, 1, name, location)
            return args[0]
        default:
            break
        }
        let function: ScalarFunction
        if let direct = ScalarFunction(rawValue: name) {
            function = direct
        } else if let alias = FunctionAliases.scalar[name] {
            function = alias
        } else {
            throw semanticError(location, "Function '\(name)' not registered")
        }
        return try resolveScalar(function, args, name, location)
    }

    func arity(_ args: [Expr], _ count: Int, _ name: String, _ location: SourceLocation) throws {
        guard args.count == count else { throw arityError(name, args, location) }
    }

    func arityError(_ name: String, _ args: [Expr], _ location: SourceLocation) -> TarnError {
        let types = args.map { SQLTypes.name($0.type) }.joined(separator: ", ")
        return semanticError(location, "Unexpected parameters (\(types)) for function \(name)")
    }

    // MARK: Aggregates

    private func bindAggregate(_ call: FunctionCall, _ function: AggregateFunction, _ location: SourceLocation, _ context: ExpressionContext) throws -> Expr {
        guard let aggregation = context.aggregation else {
            throw semanticError(location, "\(context.clause) cannot contain aggregations, window functions or grouping operations")
        }
        if context.insideAggregate {
            throw semanticError(location, "Cannot nest aggregations inside aggregation '\(call.canonicalName)'")
        }
        var inner = context
        inner.insideAggregate = true
        inner.aggregation = aggregation
        inner.windows = nil
        let args = try call.arguments.map { try bindExpression($0, inner) }
        var filter = try call.filter.map { try bindExpression($0, inner) }
        if let f = filter { try requireBooleanOperand(f, location, "FILTER"); filter = coerce(f, to: .boolean) }
        let resolved = try aggregateCall(function, args, isStar: call.isStar, distinct: call.distinct, filter: filter, call.canonicalName, location)
        if let existing = aggregation.aggregates.first(where: { $0.call == resolved }) { return .column(existing.ref) }
        let ref = newColumn(call.canonicalName, resolved.type)
        aggregation.aggregates.append(NamedAggregate(ref, resolved))
        return .column(ref)
    }

    /// Resolves an aggregate's signature (Trino's result types).
    func aggregateCall(_ function: AggregateFunction, _ args: [Expr], isStar: Bool, distinct: Bool, filter: Expr?, _ name: String, _ location: SourceLocation) throws -> AggregateCall {
        if isStar {
            guard function == .count else { throw semanticError(location, "'*' is only valid in count(*)") }
            return AggregateCall(function: .countStar, arguments: [], filter: filter, type: .int64)
        }
        switch function {
        case .count:
            if args.isEmpty { return AggregateCall(function: .countStar, arguments: [], filter: filter, type: .int64) }
            try arity(args, 1, name, location)
            return AggregateCall(function: .count, arguments: args, distinct: distinct, filter: filter, type: .int64)
        case .countIf:
            try arity(args, 1, name, location)
            try requireBooleanOperand(args[0], location, name)
            return AggregateCall(function: .countIf, arguments: [coerce(args[0], to: .boolean)], filter: filter, type: .int64)
        case .sum:
            try arity(args, 1, name, location)
            let type: DataType
            switch args[0].type {
            case .int8, .int16, .int32, .int64: type = .int64
            case .decimal(_, let s): type = .decimal(precision: 38, scale: s)
            case .float32: type = .float32
            case .float64: type = .float64
            default:
                if isNullLiteral(args[0]) { return AggregateCall(function: .sum, arguments: [.null(.int64)], distinct: distinct, filter: filter, type: .int64) }
                throw arityError(name, args, location)
            }
            return AggregateCall(function: .sum, arguments: args, distinct: distinct, filter: filter, type: type)
        case .avg:
            try arity(args, 1, name, location)
            switch args[0].type {
            case .int8, .int16, .int32, .int64:
                return AggregateCall(function: .avg, arguments: [coerce(args[0], to: .float64)], distinct: distinct, filter: filter, type: .float64)
            case .decimal, .float32, .float64:
                return AggregateCall(function: .avg, arguments: args, distinct: distinct, filter: filter, type: args[0].type)
            default: throw arityError(name, args, location)
            }
        case .min, .max, .arbitrary:
            try arity(args, 1, name, location)
            switch args[0].type {
            case .list, .structure, .map: throw arityError(name, args, location)
            default: break
            }
            return AggregateCall(function: function, arguments: args, distinct: false, filter: filter, type: args[0].type)
        case .approxDistinct:
            guard args.count == 1 || args.count == 2 else { throw arityError(name, args, location) }
            return AggregateCall(function: .approxDistinct, arguments: [args[0]], filter: filter, type: .int64)
        case .stddevSamp, .stddevPop, .varianceSamp, .variancePop:
            try arity(args, 1, name, location)
            guard args[0].type.isNumeric else { throw arityError(name, args, location) }
            return AggregateCall(function: function, arguments: [coerce(args[0], to: .float64)], distinct: distinct, filter: filter, type: .float64)
        case .boolAnd, .boolOr:
            try arity(args, 1, name, location)
            try requireBooleanOperand(args[0], location, name)
            return AggregateCall(function: function, arguments: [coerce(args[0], to: .boolean)], filter: filter, type: .boolean)
        case .countStar:
            return AggregateCall(function: .countStar, arguments: [], filter: filter, type: .int64)
        }
    }

    // MARK: Windows

    private func bindWindowFunction(_ call: FunctionCall, _ name: String, _ location: SourceLocation, _ context: ExpressionContext) throws -> Expr {
        guard let windows = context.windows, !context.insideAggregate, let spec = call.window else {
            throw semanticError(location, "\(context.clause) cannot contain aggregations, window functions or grouping operations")
        }
        // Arguments, partitions and order keys are evaluated after aggregation (they may hold aggregates).
        var inner = context
        inner.windows = nil
        func bind(_ e: Expression) throws -> Expr { try finishAggregated(try bindExpression(e, inner), inner, e.location) }
        let args = try call.arguments.map(bind)
        let partitionBy = try spec.partitionBy.map(bind)
        let orderBy = try spec.orderBy.map { SortKey(try bind($0.expression), ascending: $0.ascending, nullsFirst: $0.nullsFirst ?? false) }
        var frame = Frame.defaultFrame(ordered: !orderBy.isEmpty)
        if let written = spec.frame {
            func bound(_ b: WindowFrame.Bound) throws -> FrameBound {
                func offset(_ e: Expression) throws -> Int {
                    guard case .literal(.integer(let text)) = e.kind, let value = Int(text), value >= 0 else {
                        throw semanticError(e.location, "Window frame offset must be a non-negative integer constant")
                    }
                    return value
                }
                switch b {
                case .unboundedPreceding: return .unboundedPreceding
                case .preceding(let e): return .preceding(try offset(e))
                case .currentRow: return .currentRow
                case .following(let e): return .following(try offset(e))
                case .unboundedFollowing: return .unboundedFollowing
                }
            }
            frame = Frame(rows: written.unit == .rows, start: try bound(written.start), end: try bound(written.end))
            if !frame.rows {
                switch (frame.start, frame.end) {
                case (.preceding, _), (.following, _), (_, .preceding), (_, .following):
                    throw TarnError(.unsupported, "line \(location): RANGE frames with offsets are not supported")
                default: break
                }
            }
        }
        let resolved: WindowCall
        if let aggregate = FunctionAliases.aggregate[name] {
            if call.distinct { throw TarnError(.unsupported, "line \(location): DISTINCT in window aggregates is not supported") }
            let agg = try aggregateCall(aggregate, args, isStar: call.isStar, distinct: false, filter: nil, name, location)
            resolved = WindowCall(
                function: .aggregate(agg.function), arguments: agg.arguments, partitionBy: partitionBy, orderBy: orderBy, frame: frame, type: agg.type)
        } else if let function = FunctionAliases.window[name] {
            var arguments = args
            let type: DataType
            switch function {
            case .rowNumber, .rank, .denseRank:
                try arity(args, 0, name, location)
                type = .int64
            case .percentRank, .cumeDist:
                try arity(args, 0, name, location)
                type = .float64
            case .ntile:
                try arity(args, 1, name, location)
                arguments = [coerce(args[0], to: .int64)]
                type = .int64
            case .lag, .lead:
                guard (1...3).contains(args.count) else { throw arityError(name, args, location) }
                type = args[0].type
                if args.count >= 2 {
                    guard args[1].type.isInteger, args[1].isConstant else {
                        throw semanticError(location, "Offset of \(name) must be a constant integer")
                    }
                    arguments[1] = coerce(args[1], to: .int64)
                }
                if args.count == 3 {
                    let common = try unify([args[0], args[2]], location, name)
                    guard common == type else { throw typeError(location, "Default value of \(name) must be \(SQLTypes.name(type))") }
                    arguments[2] = coerce(args[2], to: type)
                }
            case .firstValue, .lastValue:
                try arity(args, 1, name, location)
                type = args[0].type
            case .nthValue:
                try arity(args, 2, name, location)
                arguments[1] = coerce(args[1], to: .int64)
                type = args[0].type
            case .aggregate:
                throw semanticError(location, "Function '\(name)' not registered")
            }
            resolved = WindowCall(
                function: function, arguments: arguments, partitionBy: partitionBy, orderBy: orderBy, frame: frame,
                ignoreNulls: call.ignoreNulls, type: type)
        } else {
            throw semanticError(location, "Function '\(name)' not registered")
        }
        if let existing = windows.functions.first(where: { $0.call == resolved }) { return .column(existing.ref) }
        let ref = newColumn(name, resolved.type)
        windows.functions.append(NamedWindow(ref, resolved))
        return .column(ref)
    }
}
