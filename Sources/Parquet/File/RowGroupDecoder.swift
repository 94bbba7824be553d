import Columnar
import TarnCore

extension ParquetMetadata {
    /// The byte ranges a row group read needs, one per selected leaf column.
    /// - Throws: `TarnError(.corrupt)` when a chunk lies outside the file.
    public func byteRanges(rowGroup: Int, selection: ColumnSelection) throws -> [(leaf: Int, range: Range<Int64>)] {
        try selection.leaves.map { (leaf: $0, range: try chunkRange(rowGroup: rowGroup, leaf: $0)) }
    }

    /// Decodes a row group from column chunk bytes the caller fetched.
    /// - Parameters:
    ///   - rowGroup: row group index.
    ///   - selection: the fields to produce.
    ///   - chunks: the bytes of each range from `byteRanges(rowGroup:selection:)`, by leaf index.
    /// - Returns: one batch with the selected fields, all rows of the row group.
    /// - Throws: `TarnError(.corrupt)` naming file, row group, column and page when data is malformed.
    public func decodeRowGroup(_ rowGroup: Int, selection: ColumnSelection, chunks: [Int: [UInt8]]) throws -> RecordBatch {
        guard rowGroup >= 0 && rowGroup < rowGroupCount else {
            throw TarnError(.invalidArgument, "\(name): row group \(rowGroup) out of range (file has \(rowGroupCount))")
        }
        let group = fileMetaData.rowGroups[rowGroup]
        guard group.numRows <= Int64(Int32.max) else {
            throw TarnError(.limitExceeded, "\(name): row group \(rowGroup) has \(group.numRows) rows")
        }
        let rowCount = Int(group.numRows)
        var decoded: [Int: DecodedLeaf] = [:]
        for leafIndex in selection.leaves {
            let leaf = schema.leaves[leafIndex]
            let context = "\(name): row group \(rowGroup), column '\(leaf.dottedPath)'"
            guard let bytes = chunks[leafIndex] else { throw TarnError(.invalidArgument, "\(context): chunk bytes not supplied") }
            let meta = try chunkMetaData(rowGroup: rowGroup, leaf: leafIndex)
            guard meta.type == leaf.physicalType else {
                throw TarnError(.corrupt, "\(context): chunk type \(meta.type) differs from schema type \(leaf.physicalType)")
            }
            guard meta.numValues <= Int64(Int32.max) else { throw TarnError(.limitExceeded, "\(context): \(meta.numValues) values in one chunk") }
            if leaf.maxRepetitionLevel == 0 && meta.numValues != group.numRows {
                throw TarnError(.corrupt, "\(context): \(meta.numValues) values, row group has \(group.numRows) rows")
            }
            let codec = try codec(rowGroup: rowGroup, leaf: leafIndex)
            guard codec.isAvailable else { throw TarnError(.unsupported, "\(context): \(codec) compression is not available in this build") }
            var decoder = ColumnChunkDecoder(leaf: leaf, codec: codec, options: options, context: context)
            decoded[leafIndex] = try bytes.withUnsafeBytes { try decoder.decode($0, numValues: Int(meta.numValues)) }
        }
        var assembler = ColumnAssembler(rowCount: rowCount, context: "\(name): row group \(rowGroup)")
        var columns: [Column] = []
        for field in selection.fields {
            columns.append(try assembler.assemble(schema.shapes[field], leaves: decoded, schema: schema))
        }
        let fields = selection.fields.map { schema.fields[$0] }
        return RecordBatch(schema: Schema(fields), columns: columns, rowCount: rowCount)
    }
}
