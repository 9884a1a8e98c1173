namespace IocCenter.Analytics.Detectors;

public sealed partial class SeriesDetector
{
    /// <summary>The calibrated stage's size in a series detector (a test holds it to 72 bytes).</summary>
    internal static int CalibratedBytes => System.Runtime.CompilerServices.Unsafe.SizeOf<Calibrated>();

    /// <summary>How many readings the calibrated stage holds an alarm's score (one episode, one alarm).</summary>
    internal const int HeldReadings = Calibrated.Hold;

    /// <summary>
    /// The calibrated stage: a reading's distance from an exponentially weighted mean (span <see cref="Span"/> readings)
    /// in units of a slower weighted standard deviation (span <see cref="ScaleSpan"/>, corrected for its start) — NAB's
    /// windowed Gaussian without the window — and a two-sided CUSUM of those distances (Page 1954; slack 1, steps clipped
    /// at 8), each turned into a tail probability by its own <see cref="TailCalibration"/> (the distance's tail from its
    /// 97th percentile, the CUSUM's from its 95th). A reading's p is twice the smaller (Bonferroni), its score 1 − p,
    /// held as the highest of the last <see cref="Hold"/> readings so that one episode is one alarm. Nothing before
    /// <see cref="WarmUp"/> readings. While a shift is under way (its CUSUM rarer than 10⁻³) the CUSUM's tail does not
    /// learn the climb, for 20 readings at most or while both sides move (a noisier series, not a shift), as SPOT leaves
    /// alarms out of its tail; and a reading back within 1.5 deviations of where the series was before the shift, with the
    /// median of the last 7 there too (within 250 readings, once 20 have passed), puts the mean back there and restarts
    /// the CUSUMs, as the level-shift rule drops its level on a return. 72 bytes (<see cref="CalibratedBytes"/>).
    /// </summary>
    private struct Calibrated
    {
        private const double Span = 300;
        private const double ScaleSpan = 3000;
        private const int WarmUp = 240;
        internal const int Hold = 20;
        private const double Slack = 1;
        private const double Clip = 8;
        private const double Absurd = 64; // while warming up, distances from the recent median beyond this many are not learnt in full
        private const double Alpha = 2 / (Span + 1);
        private const double Beta = 2 / (ScaleSpan + 1);
        private const double Unlearnt = 1e-3;  // a CUSUM this rare is a shift under way, not a peak to learn (SPOT)
        private const int LearnAgainAfter = 20; // ...unless it lasts this many readings: then it is the series' new way
        private const double ReturnWithin = 1.5; // deviations from where the series was before a shift: a return
        private const int AnchorFor = 250;     // readings after a shift during which a return to before it is looked for

        private TailCalibration _pointTail;
        private TailCalibration _shiftTail;
        private double _mean;
        private float _variance;
        private float _unweighted; // (1 − β)ⁿ: the part of the variance's weight not yet given to any reading
        private float _up;
        private float _down;
        private float _heldP; // the held alarm's p (1 − score): a float keeps a tiny p's digits, a score near 1 would not
        private float _anchor; // the mean before the shift under way (see _anchored)
        private int _seen;
        private byte _age;
        private byte _anchored; // readings since a shift began (up to AnchorFor), 0 when none is under way
        private bool _shiftHeld;
        private bool _seasonal;

        /// <summary>About how much time the stage's mean follows at this interval between readings.</summary>
        public static double FollowsMs(double intervalMs) => Span * intervalMs;

        /// <summary>The weighted mean of what the stage judges (the reading, or its residual from the seasonal shape).</summary>
        public readonly double Mean => _mean;

        /// <param name="value">The reading, or its residual from the seasonal shape.</param>
        /// <param name="recent">The median of the last readings before this one, on the same scale as the value: where
        /// the series is now, robust to one odd reading.</param>
        /// <param name="seasonal">The seasonal expectation taken off the reading, or NaN when nothing was.</param>
        /// <param name="dayCovered">Whether a daily rhythm can no longer pass for a shift (see
        /// <see cref="RhythmCannotLookLikeAShift"/>); until then the CUSUM learns its tail but does not score.</param>
        /// <param name="integers">Whether the series has only ever sent integers (counts): its deviation is at least √level.</param>
        /// <param name="resolution">The smallest move the series makes (<see cref="Resolution"/>): its deviation is at least that.</param>
        /// <param name="robust">The series' typical move from its recent median (the spike rule's noise) before this reading:
        /// while warming up, what the mean and deviation learn is clipped at 8 of it too.</param>
        /// <param name="usual">What the reading was judged against (the mean before this reading, seasonal shape added back).</param>
        public double Observe(double value, double recent, double seasonal, bool dayCovered, bool integers, double resolution, double robust, out string detector, out double usual)
        {
            var hasSeasonal = !double.IsNaN(seasonal);
            if (_seen == 0)
            {
                _pointTail = new TailCalibration(0.97);
                _shiftTail = new TailCalibration(0.95);
                _mean = value;
                _unweighted = 1;
                _heldP = 1;
                _seasonal = hasSeasonal;
            }
            else if (hasSeasonal != _seasonal)
            {
                // The seasonal shape was learnt (the mean moves to the residual's scale) or is not known at this hour
                // (the first weekend: it restarts from the recent median, not from one reading, whose noise the CUSUM
                // would take for a shift); either way the CUSUM starts afresh and a shift's anchor, on the old scale,
                // is dropped.
                _mean = hasSeasonal ? _mean - seasonal : (double.IsFinite(recent) ? recent : value);
                _seasonal = hasSeasonal;
                _up = _down = 0;
                _anchored = 0;
            }

            var p = 1.0;
            var shiftWins = false;
            var level = Math.Abs(_mean + (hasSeasonal ? seasonal : 0));
            usual = _mean + (hasSeasonal ? seasonal : 0);

            // Floors, as the spike rule has: a series held at one value, or counts that are mostly 0, must not make a
            // step of one unit (or of a millionth) "never seen". A count moves like Poisson noise, √n; anything else by
            // at least 10⁻⁴ of its level, and by at least the smallest move it makes (a sparse rate's 0.125).
            var floor = Math.Max(Math.Max(1e-9 + (1e-4 * level), resolution), integers ? Math.Sqrt(Math.Max(1, level)) : 0);
            var sd = Math.Max(Math.Sqrt(_variance / Math.Max(1e-9, 1 - _unweighted)), floor);
            if (_seen >= WarmUp)
            {
                if (_anchored >= Hold && Math.Abs(value - _anchor) <= ReturnWithin * sd && Math.Abs(recent - _anchor) <= ReturnWithin * sd)
                {
                    // Back where it was before the shift (a plume over, a pump restarted), by this reading and by the
                    // median of the last ones (one reading near it during a small shift is noise): the mean returns
                    // there at once and the CUSUMs start afresh, so the way back is not a second shift.
                    _mean = _anchor;
                    _up = _down = 0;
                    _anchored = 0;
                }
                else if (_anchored > 0)
                {
                    _anchored = (byte)(_anchored >= AnchorFor ? 0 : _anchored + 1);
                }

                var signed = (value - _mean) / sd;
                var z = Math.Abs(signed);
                var pointP = _pointTail.PValue(z);
                _pointTail.Learn(z);
                var step = Math.Clamp(signed, -Clip, Clip);
                _up = (float)Math.Max(0, _up + step - Slack);
                _down = (float)Math.Max(0, _down - step - Slack);
                var cusum = Math.Max(_up, _down);
                var shiftP = dayCovered ? _shiftTail.PValue(cusum) : 1;
                if (shiftP < Unlearnt && _anchored == 0)
                {
                    _anchor = (float)_mean;
                    _anchored = 1;
                }

                // A CUSUM climbs reading after reading through a shift: learning each height as an ordinary peak made
                // the shift its own norm while it lasted (a 4σ shift of 30 readings peaked at p = 3·10⁻⁴). So a rare
                // height is not learnt (SPOT leaves alarms out of its tail the same way), for 20 readings at most.
                if (!(shiftP < Unlearnt) || _anchored > LearnAgainAfter || Math.Min(_up, _down) > 0)
                {
                    _shiftTail.Learn(cusum);
                }

                shiftWins = shiftP < pointP;
                p = Math.Min(1, 2 * Math.Min(pointP, shiftP));
            }

            if (_seen > 0)
            {
                // Clipped at 8 deviations once judged (Huber): one sentinel (65535, 10¹⁵) must not move the mean or
                // inflate the deviation for weeks; a lasting shift still moves them, 8 deviations a step.
                // While warming up the deviation is not yet known: a reading is clipped only when it is absurdly far (64
                // of the larger of it and the recent typical move) from the recent median — one glitch, 65535 at the
                // tenth reading of a held series, taught the deviation for weeks — so a sparse rate's ordinary readings
                // still teach it, and a mean that starts far off (an absurd first reading) still follows the series.
                var d = value - _mean;
                var bound = _seen >= WarmUp ? sd : Math.Max(sd, robust);
                if (_seen >= WarmUp || Math.Abs(value - recent) > Absurd * bound)
                {
                    d = Math.Clamp(d, -Clip * bound, Clip * bound);
                }

                _mean += Alpha * d;
                _variance = (float)((1 - Beta) * (_variance + (Beta * d * d)));
                _unweighted = (float)(_unweighted * (1 - Beta));
            }

            _seen = Math.Min(_seen + 1, int.MaxValue - 1);
            if (p <= _heldP || _age >= Hold)
            {
                _heldP = (float)p;
                _shiftHeld = shiftWins;
                _age = 0;
            }
            else
            {
                _age++;
            }

            detector = (p <= _heldP ? shiftWins : _shiftHeld) ? "shift" : "point";
            return 1 - Math.Min(p, _heldP);
        }
    }
}
