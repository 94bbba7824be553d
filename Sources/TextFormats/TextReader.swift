/// A CSV or JSON Lines reader behind one interface, for callers that pick the format at run
/// time (`tarn convert`, text tables in queries): push bytes, finish, take typed batches.
public enum TextReader {
    /// RFC 4180 CSV.
    case csv(CSVReader)
    /// JSON Lines.
    case json(JSONLinesReader)

    /// Feeds the next chunk of input.
    public func push(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .csv(let reader): reader.push(bytes)
        case .json(let reader): reader.push(bytes)
        }
    }

    /// Marks the end of input (a last line without a newline is then complete).
    public func finish() {
        switch self {
        case .csv(let reader): reader.finish()
        case .json(let reader): reader.finish()
        }
    }

    /// The next batch of parsed rows and rejects, or nil when more input is needed (or, after
    /// `finish`, at the end).
    public func nextBatch() throws -> TextBatch? {
        switch self {
        case .csv(let reader): try reader.nextBatch()
        case .json(let reader): try reader.nextBatch()
        }
    }
}
