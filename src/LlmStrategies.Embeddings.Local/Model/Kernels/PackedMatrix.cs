namespace LlmStrategies.Embeddings.Local.Model.Kernels;

/// <summary>
/// The right-hand matrix B[K, N] of <see cref="MatrixMultiply"/> with its bias, stored once at load time
/// in column panels of <see cref="MatrixMultiply.PanelWidth"/> columns: panel p holds, for k = 0..K-1, the
/// 32 values B[k, 32p .. 32p+31] contiguously, so the micro-kernel streams one panel linearly.
/// </summary>
internal sealed unsafe class PackedMatrix
{
    private readonly AlignedBuffer _panels;
    private readonly AlignedBuffer _bias;

    /// <param name="rowMajor">B as K rows of N values.</param>
    /// <param name="rows">K.</param>
    /// <param name="columns">N, a multiple of the panel width.</param>
    /// <param name="bias">N values added to every output row.</param>
    public PackedMatrix(ReadOnlySpan<float> rowMajor, int rows, int columns, ReadOnlySpan<float> bias)
    {
        if (columns % MatrixMultiply.PanelWidth != 0)
        {
            throw new ArgumentException($"Column count {columns} is not a multiple of {MatrixMultiply.PanelWidth}.", nameof(columns));
        }

        if (rowMajor.Length != rows * columns || bias.Length != columns)
        {
            throw new ArgumentException($"Expected {rows}x{columns} weights and {columns} biases, got {rowMajor.Length} and {bias.Length}.", nameof(rowMajor));
        }

        Rows = rows;
        Columns = columns;
        _panels = new AlignedBuffer(rows * columns);
        var panels = _panels.Span;
        const int width = MatrixMultiply.PanelWidth;
        for (var panel = 0; panel < columns / width; panel++)
        {
            for (var k = 0; k < rows; k++)
            {
                rowMajor.Slice((k * columns) + (panel * width), width).CopyTo(panels.Slice(((panel * rows) + k) * width, width));
            }
        }

        _bias = new AlignedBuffer(columns);
        bias.CopyTo(_bias.Span);
    }

    /// <summary>K.</summary>
    public int Rows { get; }

    /// <summary>N.</summary>
    public int Columns { get; }

    public float* Panels => _panels.Pointer;

    public float* Bias => _bias.Pointer;
}
