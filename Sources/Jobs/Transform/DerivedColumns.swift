import Columnar

/// Computes derived columns (`year`, `month`, `day`, `hour`, `date`) from a timestamp or date
/// column, one tight loop per column. Rows arrive roughly in time order in raw feeds, so the
/// last day's civil date is remembered and most rows skip the calendar arithmetic.
enum DerivedColumns {
    /// The derived column of `function` over `source` (NULL where the source is NULL).
    /// - Precondition: `source` is a timestamp column, or a date column for all but `hour`
    ///   (`JobPlan` checks this when the job is defined).
    static func compute(_ function: Derivation.Function, from source: Column) -> Column {
        let rows = source.count
        let daysOf: (Int) -> Int64
        var unitsPerDay: Int64 = 86_400
        var unitsPerHour: Int64 = 3_600
        var timestamps: [Int64] = []
        switch (source.type, source.storage) {
        case (.timestamp(let unit, _), .int64(let values)):
            unitsPerDay = unit.perSecond * 86_400
            unitsPerHour = unit.perSecond * 3_600
            timestamps = values
            let perDay = unitsPerDay
            daysOf = { CivilCalendar.floorDivide(values[$0], perDay) }
        case (.date, .int32(let values)):
            daysOf = { Int64(values[$0]) }
        default:
            preconditionFailure("derived \(function.rawValue)() over a \(source.type) column")
        }
        var output = [Int32](repeating: 0, count: rows)
        var lastDay = Int64.min
        var lastCivil = (year: 0, month: 0, day: 0)
        for row in 0..<rows {
            let day = daysOf(row)
            switch function {
            case .date:
                output[row] = Int32(truncatingIfNeeded: day)
            case .hour:
                output[row] = Int32(truncatingIfNeeded: (timestamps[row] - day * unitsPerDay) / unitsPerHour)
            case .year, .month, .day:
                if day != lastDay {
                    lastDay = day
                    lastCivil = CivilCalendar.date(fromDays: Int(day))
                }
                output[row] = Int32(truncatingIfNeeded: function == .year ? lastCivil.year : function == .month ? lastCivil.month : lastCivil.day)
            }
        }
        return Column(type: function == .date ? .date : .int32, storage: .int32(output), validity: source.validity)
    }
}
