import TarnCore

/// Expressions, lowest precedence first (Trino's grammar):
/// `OR` < `AND` < `NOT` < predicates (comparison, IS, BETWEEN, IN, LIKE) < `||` < `+ -` < `* / %`
/// < unary `+ -` < primary.
extension Parser {
    mutating func parseExpression() throws -> Expression {
        try parseOr()
    }

    mutating func parseOr() throws -> Expression {
        var left = try parseAnd()
        while isKeyword("OR") {
            let location = left.location
            advance()
            left = Expression(.binary(.or, left, try parseAnd()), at: location)
        }
        return left
    }

    mutating func parseAnd() throws -> Expression {
        var left = try parseNot()
        while isKeyword("AND") {
            let location = left.location
            advance()
            left = Expression(.binary(.and, left, try parseNot()), at: location)
        }
        return left
    }

    mutating func parseNot() throws -> Expression {
        if isKeyword("NOT") {
            let location = current.location
            advance()
            return Expression(.unary(.not, try parseNot()), at: location)
        }
        return try parsePredicate()
    }

    mutating func parsePredicate() throws -> Expression {
        var value = try parseConcat()
        let location = value.location
        while true {
            if current.kind == .symbol, let op = Self.comparison(current.text) {
                advance()
                value = Expression(.binary(op, value, try parseConcat()), at: location)
                continue
            }
            if isKeyword("IS") {
                advance()
                let negated = accept("NOT")
                if accept("NULL") {
                    value = Expression(.isNull(value, negated: negated), at: location)
                } else if accept("DISTINCT") {
                    try expect("FROM")
                    value = Expression(.isDistinctFrom(value, try parseConcat(), negated: negated), at: location)
                } else if accept("TRUE") {
                    let t = Expression(.literal(.boolean(true)), at: location)
                    value = Expression(.isDistinctFrom(value, t, negated: !negated), at: location)
                } else if accept("FALSE") {
                    let f = Expression(.literal(.boolean(false)), at: location)
                    value = Expression(.isDistinctFrom(value, f, negated: !negated), at: location)
                } else {
                    throw mismatch(expecting: ["'NULL'", "'DISTINCT'", "'TRUE'", "'FALSE'"])
                }
                continue
            }
            let negated = isKeyword("NOT") && (isKeyword("BETWEEN", at: 1) || isKeyword("IN", at: 1) || isKeyword("LIKE", at: 1))
            if negated { advance() }
            if accept("BETWEEN") {
                let low = try parseConcat()
                try expect("AND")
                let high = try parseConcat()
                value = Expression(.between(value, low: low, high: high, negated: negated), at: location)
            } else if accept("IN") {
                try expectSymbol("(")
                if isKeyword("SELECT") || isKeyword("WITH") || isKeyword("VALUES") {
                    let query = try parseQuery()
                    try expectSymbol(")")
                    value = Expression(.inSubquery(value, query, negated: negated), at: location)
                } else {
                    var items = [try parseExpression()]
                    while acceptSymbol(",") { items.append(try parseExpression()) }
                    try expectSymbol(")")
                    value = Expression(.inList(value, items, negated: negated), at: location)
                }
            } else if accept("LIKE") {
                let pattern = try parseConcat()
                let escape = accept("ESCAPE") ? try parseConcat() : nil
                value = Expression(.like(value, pattern: pattern, escape: escape, negated: negated), at: location)
            } else {
                return value
            }
        }
    }

    static func comparison(_ text: String) -> BinaryOperator? {
        switch text {
        case "=": .equal
        case "<>", "!=": .notEqual
        case "<": .less
        case "<=": .lessOrEqual
        case ">": .greater
        case ">=": .greaterOrEqual
        default: nil
        }
    }

    mutating func parseConcat() throws -> Expression {
        var left = try parseAdditive()
        while isSymbol("||") {
            let location = left.location
            advance()
            left = Expression(.binary(.concat, left, try parseAdditive()), at: location)
        }
        return left
    }

    mutating func parseAdditive() throws -> Expression {
        var left = try parseMultiplicative()
        while isSymbol("+") || isSymbol("-") {
            let op: BinaryOperator = current.text == "+" ? .add : .subtract
            let location = left.location
            advance()
            left = Expression(.binary(op, left, try parseMultiplicative()), at: location)
        }
        return left
    }

    mutating func parseMultiplicative() throws -> Expression {
        var left = try parseUnary()
        while isSymbol("*") || isSymbol("/") || isSymbol("%") {
            let op: BinaryOperator = current.text == "*" ? .multiply : current.text == "/" ? .divide : .modulo
            let location = left.location
            advance()
            left = Expression(.binary(op, left, try parseUnary()), at: location)
        }
        return left
    }

    mutating func parseUnary() throws -> Expression {
        if isSymbol("-") || isSymbol("+") {
            let location = current.location
            let op: UnaryOperator = current.text == "-" ? .minus : .plus
            advance()
            return Expression(.unary(op, try parseUnary()), at: location)
        }
        return try parsePrimary()
    }

    static let primaryExpectations = ["<expression>"]

    mutating func parsePrimary() throws -> Expression {
        let token = current
        let location = token.location
        switch token.kind {
        case .integer:
            advance()
            return Expression(.literal(.integer(token.text)), at: location)
        case .decimal:
            advance()
            return Expression(.literal(.decimal(token.text)), at: location)
        case .double:
            advance()
            return Expression(.literal(.double(token.text)), at: location)
        case .string:
            advance()
            return Expression(.literal(.string(token.text)), at: location)
        case .symbol:
            if token.text == "(" {
                advance()
                if isKeyword("SELECT") || isKeyword("WITH") || isKeyword("VALUES") {
                    let query = try parseQuery()
                    try expectSymbol(")")
                    return Expression(.scalarSubquery(query), at: location)
                }
                let inner = try parseExpression()
                try expectSymbol(")")
                return inner
            }
            if token.text == "*" {
                advance()
                return Expression(.star(qualifier: []), at: location)
            }
            throw mismatch(expecting: Self.primaryExpectations)
        case .end:
            throw mismatch(expecting: Self.primaryExpectations)
        case .quotedIdentifier:
            return try parseNameOrCall()
        case .word:
            return try parseWordPrimary()
        }
    }

    private mutating func parseWordPrimary() throws -> Expression {
        let token = current
        let location = token.location
        switch token.upper {
        case "NULL":
            advance()
            return Expression(.literal(.null), at: location)
        case "TRUE", "FALSE":
            advance()
            return Expression(.literal(.boolean(token.upper == "TRUE")), at: location)
        case "CASE":
            return try parseCase()
        case "CAST", "TRY_CAST":
            advance()
            try expectSymbol("(")
            let value = try parseExpression()
            try expect("AS")
            let type = try parseType()
            try expectSymbol(")")
            return Expression(.cast(value, type, safe: token.upper == "TRY_CAST"), at: location)
        case "EXISTS":
            advance()
            try expectSymbol("(")
            let query = try parseQuery()
            try expectSymbol(")")
            return Expression(.exists(query), at: location)
        case "EXTRACT":
            advance()
            try expectSymbol("(")
            let field = try parseIdentifier()
            try expect("FROM")
            let value = try parseExpression()
            try expectSymbol(")")
            return Expression(.extract(field: field.name.uppercased(), value), at: location)
        case "INTERVAL":
            advance()
            var negative = false
            if acceptSymbol("-") { negative = true } else { _ = acceptSymbol("+") }
            let value = try parseStringLiteral()
            let unit = try parseIntervalUnit()
            var to: IntervalUnit? = nil
            if accept("TO") { to = try parseIntervalUnit() }
            return Expression(.literal(.interval(value: value, negative: negative, unit: unit, to: to)), at: location)
        case "ARRAY" where isSymbol("[", at: 1):
            advance()
            advance()
            var items: [Expression] = []
            if !isSymbol("]") {
                items.append(try parseExpression())
                while acceptSymbol(",") { items.append(try parseExpression()) }
            }
            try expectSymbol("]")
            return Expression(.array(items), at: location)
        case "DATE", "TIME", "TIMESTAMP", "DECIMAL", "REAL", "DOUBLE", "BIGINT", "INTEGER", "VARCHAR", "CHAR":
            if peek().kind == .string {
                advance()
                let value = try parseStringLiteral()
                return Expression(.literal(.typed(type: token.upper, value: value)), at: location)
            }
            if token.upper == "TIMESTAMP" && isKeyword("WITH", at: 1) {
                // `TIMESTAMP WITH TIME ZONE '…'`
                advance(); advance()
                try expect("TIME"); try expect("ZONE")
                let value = try parseStringLiteral()
                return Expression(.literal(.typed(type: "TIMESTAMP WITH TIME ZONE", value: value)), at: location)
            }
            return try parseNameOrCall()
        case "CURRENT_DATE", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP", "NOW":
            if !isSymbol("(", at: 1) {
                advance()
                return Expression(.function(FunctionCall(name: [Identifier(token.text)], arguments: [])), at: location)
            }
            return try parseNameOrCall()
        default:
            if Self.reserved.contains(token.upper) { throw mismatch(expecting: Self.primaryExpectations) }
            return try parseNameOrCall()
        }
    }

    mutating func parseIntervalUnit() throws -> IntervalUnit {
        guard current.kind == .word else { throw mismatch(expecting: ["<interval unit>"]) }
        var word = current.upper
        if word.hasSuffix("S") { word.removeLast() }
        guard let unit = IntervalUnit(rawValue: word) else {
            throw mismatch(expecting: IntervalUnit.allCases.map { "'\($0.rawValue)'" })
        }
        advance()
        return unit
    }

    private mutating func parseCase() throws -> Expression {
        let location = current.location
        advance()
        let operand = isKeyword("WHEN") ? nil : try parseExpression()
        var whens: [WhenClause] = []
        while accept("WHEN") {
            let condition = try parseExpression()
            try expect("THEN")
            whens.append(WhenClause(condition: condition, result: try parseExpression()))
        }
        if whens.isEmpty { throw mismatch(expecting: ["'WHEN'"]) }
        let otherwise = accept("ELSE") ? try parseExpression() : nil
        if !accept("END") { throw mismatch(expecting: ["'WHEN'", "'ELSE'", "'END'"]) }
        return Expression(.caseWhen(operand: operand, whens: whens, otherwise: otherwise), at: location)
    }

    /// A column reference (`a`, `t.a`) or a function call (`f(…)`, `count(*)`, `f(…) OVER (…)`).
    mutating func parseNameOrCall() throws -> Expression {
        let location = current.location
        var parts = [try parseAnyIdentifier()]
        while isSymbol(".") {
            advance()
            if isSymbol("*") {
                advance()
                return Expression(.star(qualifier: parts), at: location)
            }
            parts.append(try parseAnyIdentifier())
        }
        guard isSymbol("(") else { return Expression(.identifier(parts), at: location) }
        return Expression(.function(try parseCallArguments(name: parts)), at: location)
    }

    /// After a dot or in a name position any word is allowed (Trino accepts `t.year`, `t.day`).
    mutating func parseAnyIdentifier() throws -> Identifier {
        switch current.kind {
        case .word, .quotedIdentifier:
            let identifier = Identifier(current.text, quoted: current.kind == .quotedIdentifier)
            advance()
            return identifier
        default:
            throw mismatch(expecting: ["<identifier>"])
        }
    }

    mutating func parseCallArguments(name: [Identifier]) throws -> FunctionCall {
        try expectSymbol("(")
        var call = FunctionCall(name: name, arguments: [])
        if acceptSymbol("*") {
            call.isStar = true
        } else if !isSymbol(")") {
            if accept("DISTINCT") { call.distinct = true } else { _ = accept("ALL") }
            repeat {
                if (current.kind == .word || current.kind == .quotedIdentifier) && isSymbol("=>", at: 1) {
                    let argName = try parseAnyIdentifier()
                    advance()
                    call.namedArguments.append(NamedArgument(name: argName, value: try parseExpression()))
                } else {
                    call.arguments.append(try parseExpression())
                }
            } while acceptSymbol(",")
        }
        try expectSymbol(")")
        if isKeyword("IGNORE") && isKeyword("NULLS", at: 1) {
            advance(); advance()
            call.ignoreNulls = true
        } else if isKeyword("RESPECT") && isKeyword("NULLS", at: 1) {
            advance(); advance()
        }
        if isKeyword("FILTER") && isSymbol("(", at: 1) {
            advance(); advance()
            try expect("WHERE")
            call.filter = try parseExpression()
            try expectSymbol(")")
        }
        if accept("OVER") {
            call.window = try parseWindowSpecification()
        }
        return call
    }

    mutating func parseWindowSpecification() throws -> WindowSpecification {
        try expectSymbol("(")
        var spec = WindowSpecification()
        if accept("PARTITION") {
            try expect("BY")
            spec.partitionBy.append(try parseExpression())
            while acceptSymbol(",") { spec.partitionBy.append(try parseExpression()) }
        }
        if accept("ORDER") {
            try expect("BY")
            spec.orderBy = try parseOrderItems()
        }
        if isKeyword("ROWS") || isKeyword("RANGE") {
            let unit: WindowFrame.Unit = current.upper == "ROWS" ? .rows : .range
            advance()
            if accept("BETWEEN") {
                let start = try parseFrameBound()
                try expect("AND")
                let end = try parseFrameBound()
                spec.frame = WindowFrame(unit: unit, start: start, end: end)
            } else {
                spec.frame = WindowFrame(unit: unit, start: try parseFrameBound(), end: .currentRow)
            }
        }
        if !acceptSymbol(")") { throw mismatch(expecting: ["'PARTITION'", "'ORDER'", "'ROWS'", "'RANGE'", "')'"]) }
        return spec
    }

    mutating func parseFrameBound() throws -> WindowFrame.Bound {
        if accept("UNBOUNDED") {
            if accept("PRECEDING") { return .unboundedPreceding }
            try expect("FOLLOWING")
            return .unboundedFollowing
        }
        if accept("CURRENT") {
            try expect("ROW")
            return .currentRow
        }
        let offset = try parseConcat()
        if accept("PRECEDING") { return .preceding(offset) }
        if accept("FOLLOWING") { return .following(offset) }
        throw mismatch(expecting: ["'PRECEDING'", "'FOLLOWING'"])
    }

    mutating func parseOrderItems() throws -> [OrderItem] {
        var items: [OrderItem] = []
        repeat {
            var item = OrderItem(expression: try parseExpression())
            if accept("DESC") { item.ascending = false } else { _ = accept("ASC") }
            if accept("NULLS") {
                if accept("FIRST") {
                    item.nullsFirst = true
                } else if accept("LAST") {
                    item.nullsFirst = false
                } else {
                    throw mismatch(expecting: ["'FIRST'", "'LAST'"])
                }
            }
            items.append(item)
        } while acceptSymbol(",")
        return items
    }

    /// `varchar`, `varchar(10)`, `decimal(10,2)`, `timestamp(3)`, `timestamp with time zone`,
    /// `array(bigint)`, `array<string>` (Hive DDL).
    mutating func parseType() throws -> TypeName {
        guard current.kind == .word || current.kind == .quotedIdentifier else { throw mismatch(expecting: ["<type>"]) }
        var name = current.text.lowercased()
        advance()
        if name == "double" && accept("PRECISION") { name = "double" }
        var type = TypeName(name)
        if acceptSymbol("(") {
            repeat {
                if current.kind == .integer {
                    type.parameters.append(try parseIntegerLiteral())
                } else {
                    type.arguments.append(try parseType())
                }
            } while acceptSymbol(",")
            try expectSymbol(")")
        } else if acceptSymbol("<") {
            // Hive-style `array<string>`, `map<string,int>`, `struct<a:int>`.
            repeat {
                if (current.kind == .word) && isSymbol(":", at: 1) {
                    advance(); advance()
                }
                type.arguments.append(try parseType())
            } while acceptSymbol(",")
            try expectSymbol(">")
        }
        if (name == "timestamp" || name == "time") && isKeyword("WITH") && isKeyword("TIME", at: 1) {
            advance(); advance()
            try expect("ZONE")
            type.name = name + " with time zone"
        } else if (name == "timestamp" || name == "time") && isKeyword("WITHOUT") {
            advance()
            try expect("TIME"); try expect("ZONE")
        }
        return type
    }
}
