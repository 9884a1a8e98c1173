namespace IocCenter.Storage.Influx;

/// <summary>One series of an InfluxQL result: <c>values[row][column]</c> as JSON scalars (numbers, strings, null).</summary>
public sealed record InfluxSeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Values)
{
    public int Column(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == name)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"No column '{name}' in [{string.Join(", ", Columns)}].");
    }
}

public sealed class InfluxQueryException : Exception
{
    public InfluxQueryException()
        : base("InfluxQL query failed.")
    {
    }

    public InfluxQueryException(string message)
        : base(message)
    {
    }

    public InfluxQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
