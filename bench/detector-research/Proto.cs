using IocCenter.Analytics.Evaluation.Corpus;

static class Proto
{
    public static double[] Score(string spec, LabelledSeries s)
    {
        var p = spec.Split(':');
        var det = Make(p);
        var scores = new double[s.Values.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var v = s.Values[i];
            scores[i] = double.IsNaN(v) ? double.NaN : det.Observe(s.TimesMs[i], v);
        }
        return scores;
    }

    static IDet Make(string[] p) => p[0] switch
    {
        "wg" => new WindowGauss(int.Parse(p[1]), p.Length > 2 ? int.Parse(p[2]) : 0),
        "cmp" => new Compare(int.Parse(p[1]), int.Parse(p[2]), p.Length > 3 ? int.Parse(p[3]) : 0),
        "wge" => new WindowGaussE(int.Parse(p[1]), int.Parse(p[2]), double.Parse(p[3]), double.Parse(p[4])),
        "m" => new Multi(int.Parse(p[1]), int.Parse(p[2]), int.Parse(p[3]), p[4], double.Parse(p[5]), double.Parse(p[6])),
        "ew" => new Ewma(int.Parse(p[1]), int.Parse(p[2]), double.Parse(p[3]), double.Parse(p[4]), p.Length > 5 ? int.Parse(p[5]) : 1),
        "gp" => new EwmaPot(int.Parse(p[1]), int.Parse(p[2]), new PotTail(double.Parse(p[3]), double.Parse(p[4]), double.Parse(p[5]), double.Parse(p[6]), double.Parse(p[7]))),
        "gc" => new EwmaPotCusum(int.Parse(p[1]), int.Parse(p[2]), double.Parse(p[3]), double.Parse(p[4]), double.Parse(p[5]), p.Length > 6 ? int.Parse(p[6]) : int.Parse(p[1])),
        _ => throw new ArgumentException(p[0]),
    };
}

interface IDet { double Observe(long t, double v); }

/// <summary>Helpers: ring of last W values with running sums.</summary>
sealed class Ring(int n)
{
    readonly double[] _x = new double[n];
    int _i, _c;
    double _s, _ss;
    public int Count => _c;
    public double Mean => _s / _c;
    public double Std => Math.Sqrt(Math.Max(0, _ss / _c - Mean * Mean));
    public void Push(double v)
    {
        if (_c == _x.Length) { var o = _x[_i]; _s -= o; _ss -= o * o; } else _c++;
        _x[_i] = v; _s += v; _ss += v * v; _i = (_i + 1) % _x.Length;
        if (_i == 0) { _s = 0; _ss = 0; for (var k = 0; k < _c; k++) { _s += _x[k]; _ss += _x[k] * _x[k]; } }
    }
}

static class Tail
{
    // two-sided normal tail: P(|Z| >= z)
    public static double Two(double z) => Erfc(Math.Abs(z) / Math.Sqrt(2));
    public static double Cheb(double z) => Math.Min(1, 1 / (z * z));
    public static double Cantelli(double z) => 1 / (1 + z * z);
    public static double Cubic(double z) => Math.Min(1, 1 / (z * z * z));
    public static double Erfc(double x)
    {
        // Numerical Recipes erfc approximation (fractional error < 1.2e-7)
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}

/// <summary>NAB windowedGaussian-like: z of value vs last W values; hold = max over last H scores.</summary>
sealed class WindowGauss(int w, int hold) : IDet
{
    readonly Ring _r = new(w);
    double _held; int _age;
    public double Observe(long t, double v)
    {
        double s = 0;
        if (_r.Count >= Math.Min(w, 30))
        {
            var sd = Math.Max(_r.Std, 1e-9 + 1e-6 * Math.Abs(_r.Mean));
            s = 1 - Tail.Two((v - _r.Mean) / sd);
        }
        _r.Push(v);
        return Hold(s);
    }
    double Hold(double s)
    {
        if (s >= _held || _age >= hold) { _held = s; _age = 0; } else _age++;
        return Math.Max(s, _held);
    }
}

/// <summary>Short mean (last k) vs long window (W) distribution: z = (mean_k - mean_W)/ (std_W/sqrt(k)) blended with point z.</summary>
sealed class Compare(int w, int k, int hold) : IDet
{
    readonly Ring _long = new(w);
    readonly Ring _short = new(k);
    double _held; int _age;
    public double Observe(long t, double v)
    {
        _short.Push(v);
        double s = 0;
        if (_long.Count >= Math.Min(w, 30))
        {
            var sd = Math.Max(_long.Std, 1e-9 + 1e-6 * Math.Abs(_long.Mean));
            var zp = (v - _long.Mean) / sd;
            var zs = (_short.Mean - _long.Mean) / (sd / Math.Sqrt(_short.Count));
            var p = Math.Min(Tail.Two(zp), Tail.Two(zs));
            s = 1 - p;
        }
        // long window learns from the sample leaving the short window (lag k)
        _long.Push(v);
        if (s >= _held || _age >= hold) { _held = s; _age = 0; } else _age++;
        return Math.Max(s, _held);
    }
}

/// <summary>Empirical tail of a nonnegative statistic: log-spaced bins with forgetting; Gaussian prior of weight m.</summary>
sealed class EmpiricalTail(double halfLife, double prior)
{
    const int Bins = 48;
    readonly double[] _c = new double[Bins];
    double _total;
    readonly double _keep = Math.Pow(0.5, 1 / halfLife);
    static int Bin(double z) => Math.Min(Bins - 1, (int)(8 * Math.Log2(1 + z)));
    public double P(double z, Func<double, double> priorTail)
    {
        var b = Bin(z);
        double ge = 0;
        for (var i = b + 1; i < Bins; i++) ge += _c[i];
        // within the bin: assume half
        ge += 0.5 * _c[b];
        return (ge + prior * priorTail(z)) / (_total + prior);
    }
    public void Add(double z)
    {
        for (var i = 0; i < Bins; i++) _c[i] *= _keep;
        _total = _total * _keep + 1;
        _c[Bin(z)] += 1;
    }
}

sealed class WindowGaussE(int w, int hold, double half, double prior) : IDet
{
    readonly Ring _r = new(w);
    readonly EmpiricalTail _tail = new(half, prior);
    double _held; int _age;
    public double Observe(long t, double v)
    {
        double s = 0;
        if (_r.Count >= Math.Min(w, 30))
        {
            var sd = Math.Max(_r.Std, 1e-9 + 1e-6 * Math.Abs(_r.Mean));
            var z = Math.Abs(v - _r.Mean) / sd;
            s = 1 - _tail.P(z, Tail.Two);
            _tail.Add(z);
        }
        _r.Push(v);
        if (s >= _held || _age >= hold) { _held = s; _age = 0; } else _age++;
        return Math.Max(s, _held);
    }
}

/// <summary>Several statistics, each calibrated on its own history; p = n·min p (Bonferroni); hold H.</summary>
sealed class Multi : IDet
{
    readonly Ring _r; readonly Ring _s; readonly int _w, _hold; readonly string _stats;
    readonly EmpiricalTail[] _tails;
    double _prev = double.NaN, _diffScale, _held; int _age, _n;
    public static Func<double, double> PriorTail = Tail.Two;
    public static int Warm = int.Parse(Environment.GetEnvironmentVariable("WARM") ?? "100");
    public Multi(int w, int k, int hold, string stats, double half, double prior)
    {
        _w = w; _hold = hold; _stats = stats; _r = new(w); _s = new(k);
        _tails = stats.Select(_ => new EmpiricalTail(half, prior)).ToArray();
    }
    public double Observe(long t, double v)
    {
        _s.Push(v);
        double p = 1;
        if (_r.Count >= Math.Min(_w, Warm))
        {
            var sd = Math.Max(_r.Std, 1e-9 + 1e-6 * Math.Abs(_r.Mean));
            for (var i = 0; i < _stats.Length; i++)
            {
                double z = _stats[i] switch
                {
                    'p' => Math.Abs(v - _r.Mean) / sd,
                    's' => Math.Abs(_s.Mean - _r.Mean) / (sd / Math.Sqrt(_s.Count)),
                    'd' => _diffScale > 0 ? Math.Abs(v - _prev) / _diffScale : 0,
                    _ => 0,
                };
                var pi = _tails[i].P(z, PriorTail);
                _tails[i].Add(z);
                p = Math.Min(p, pi * _stats.Length);
            }
        }
        if (!double.IsNaN(_prev))
        {
            var d = Math.Abs(v - _prev);
            _diffScale = _n == 0 ? d : 0.99 * _diffScale + 0.01 * d;
            _n++;
        }
        _prev = v;
        _r.Push(v);
        var s = 1 - Math.Min(1, p);
        if (s >= _held || _age >= _hold) { _held = s; _age = 0; } else _age++;
        return Math.Max(s, _held);
    }
}

/// <summary>EWMA mean and variance (span N) instead of a window: z of the value, empirical tail, hold H.
/// K &gt; 1: also the mean z of the last K readings (sustained moderate shifts), calibrated on its own, n·min p.</summary>
sealed class Ewma(int n, int hold, double half, double prior, int k = 1) : IDet
{
    readonly EmpiricalTail _tail = new(half, prior);
    readonly EmpiricalTail _tailK = new(half, prior);
    readonly Queue<double> _zs = new();
    double _zsum;
    double _m, _v, _held; int _c, _age;
    public double Observe(long t, double x)
    {
        double s = 0;
        if (_c >= Multi.Warm)
        {
            var sd = Math.Max(Math.Sqrt(_v), 1e-9 + 1e-6 * Math.Abs(_m));
            var z = Math.Abs(x - _m) / sd;
            var p = _tail.P(z, Tail.Two);
            _tail.Add(z);
            if (k > 1)
            {
                var signed = (x - _m) / sd;
                _zs.Enqueue(signed); _zsum += signed;
                if (_zs.Count > k) _zsum -= _zs.Dequeue();
                var zk = Math.Abs(_zsum) / Math.Sqrt(_zs.Count);
                p = 2 * Math.Min(p, _tailK.P(zk, Tail.Two));
                _tailK.Add(zk);
            }
            s = 1 - Math.Min(1, p);
        }
        var a = 2.0 / (n + 1);
        if (_c == 0) { _m = x; _v = 0; }
        else { var d = x - _m; _m += a * d; _v = (1 - a) * (_v + a * d * d); }
        _c++;
        if (s >= _held || _age >= hold) { _held = s; _age = 0; } else _age++;
        return Math.Max(s, _held);
    }
}

/// <summary>
/// Peaks-over-threshold tail (SPOT, Siffer et al. KDD 2017) on top of the empirical body: u tracks the Q quantile of
/// the statistic; excesses over u fit a generalized Pareto distribution by the method of moments (forgetting, with a
/// prior worth a few peaks from an exponential tail of mean 1/u, the Gaussian's). p(z) = body below u, (1−Q)·GPD above.
/// </summary>
sealed class PotTail(double half, double prior, double q, double peakHalf, double priorPeaks)
{
    readonly EmpiricalTail _body = new(half, prior);
    double _u = double.NaN, _w, _m1, _m2;
    public static double XiMax = double.Parse(Environment.GetEnvironmentVariable("XIMAX") ?? "0.9");
    public double P(double z)
    {
        if (double.IsNaN(_u)) Init();
        if (z <= _u) return _body.P(z, Tail.Two);
        var (xi, sigma) = Fit();
        var y = z - _u;
        double s;
        if (Math.Abs(xi) < 1e-6) s = Math.Exp(-y / sigma);
        else { var b = 1 + xi * y / sigma; s = b <= 0 ? 0 : Math.Pow(b, -1 / xi); }
        return (1 - q) * s;
    }
    void Init()
    {
        _u = Quantile(q);
        var mean = 1 / _u; _w = priorPeaks; _m1 = mean; _m2 = 2 * mean * mean; // exponential: E y^2 = 2 mean^2
    }
    static double Quantile(double q) { double lo = 0, hi = 40; for (var i = 0; i < 60; i++) { var mid = (lo + hi) / 2; if (Tail.Two(mid) > 1 - q) lo = mid; else hi = mid; } return lo; }
    (double Xi, double Sigma) Fit()
    {
        var m = _m1; var v = Math.Max(1e-12, _m2 - m * m);
        var r = m * m / v;
        var xi = Math.Clamp(0.5 * (1 - r), -0.5, XiMax);
        var sigma = Math.Max(1e-9, m * (1 - xi));
        return (xi, sigma);
    }
    public void Add(double z)
    {
        if (double.IsNaN(_u)) Init();
        _body.Add(z);
        if (z > _u)
        {
            var y = z - _u;
            var keep = Math.Pow(0.5, 1 / peakHalf);
            _w = _w * keep + 1;
            _m1 += (y - _m1) / _w; _m2 += (y * y - _m2) / _w;
        }
        // quantile tracking (multiplicative stochastic approximation)
        _u *= Math.Exp(0.01 * ((z > _u ? 1 : 0) - (1 - q)) / (1 - q) * (1 - q) * 5);
    }
}

/// <summary>EWMA z with a POT-calibrated tail. Spec gp:SPAN:H:HALF:PRIOR:Q:PEAKHALF:PRIORPEAKS</summary>
sealed class EwmaPot(int n, int hold, PotTail tail) : IDet
{
    double _m, _v, _held; int _c, _age;
    public double Observe(long t, double x)
    {
        double s = 0;
        if (_c >= Multi.Warm)
        {
            var sd = Math.Max(Math.Sqrt(_v), 1e-9 + 1e-6 * Math.Abs(_m));
            var z = Math.Abs(x - _m) / sd;
            var p = tail.P(z);
            tail.Add(z);
            s = 1 - Math.Min(1, p);
        }
        var a = 2.0 / (n + 1);
        if (_c == 0) { _m = x; _v = 0; }
        else { var d = x - _m; _m += a * d; _v = (1 - a) * (_v + a * d * d); }
        _c++;
        if (s >= _held || _age >= hold) { _held = s; _age = 0; } else _age++;
        return Math.Max(s, _held);
    }
}

/// <summary>EWMA z (point) and a two-sided CUSUM of the z's (slack K, reset when it exceeds R), each POT-calibrated; 2·min p.
/// Spec gc:SPAN:H:Q:K:R[:SLOWSPAN]</summary>
sealed class EwmaPotCusum(int n, int hold, double q, double k, double reset, int slow) : IDet
{
    readonly PotTail _tz = new(5000, 1000, q, 200, 10);
    readonly PotTail _tc = new(5000, 1000, q, 200, 10);
    double _m, _v, _ms, _hi, _lo, _held; int _c, _age;
    public static bool UseZ = Environment.GetEnvironmentVariable("NOZ") is null;
    public double Observe(long t, double x)
    {
        double s = 0;
        if (_c >= Multi.Warm)
        {
            var sd = Math.Max(Math.Sqrt(_v), 1e-9 + 1e-6 * Math.Abs(_m));
            var z = Math.Abs(x - _m) / sd;
            var pz = _tz.P(z); _tz.Add(z);
            var zs = Math.Clamp((x - _ms) / sd, -8, 8);
            _hi = Math.Max(0, _hi + zs - k); _lo = Math.Max(0, _lo - zs - k);
            var c = Math.Max(_hi, _lo);
            var pc = _tc.P(c); _tc.Add(c);
            if (c > reset) { _hi = _lo = 0; }
            var p = UseZ ? 2 * Math.Min(pz, pc) : pc;
            s = 1 - Math.Min(1, p);
        }
        var a = 2.0 / (n + 1);
        if (_c == 0) { _m = x; _v = 0; _ms = x; }
        else { var d = x - _m; _m += a * d; _v = (1 - a) * (_v + a * d * d); _ms += (x - _ms) * 2.0 / (slow + 1); }
        _c++;
        if (s >= _held || _age >= hold) { _held = s; _age = 0; } else _age++;
        return Math.Max(s, _held);
    }
}
