namespace IocCenter.Analytics.Detectors;

public sealed partial class SeriesDetector
{
    /// <summary>The calibrated stage's size in a series detector (a test holds it to 96 bytes).</summary>
    internal static int CalibratedBytes => System.Runtime.CompilerServices.Unsafe.SizeOf<Calibrated>();

    /// <summary>How many readings the calibrated stage holds an alarm's score (one episode, one alarm).</summary>
    internal const int HeldReadings = Calibrated.Hold;

    /// <summary>
    /// The calibrated stage: a reading's distance from an exponentially weighted mean (span <see cref="Span"/> readings)
    /// in units of a slower weighted standard deviation (span <see cref="ScaleSpan"/>, corrected for its start) — NAB's
    /// windowed Gaussian without the window — and a two-sided CUSUM of those distances (Page 1954; slack 1, steps clipped
    /// at 8), each turned into a tail probability by its own <see cref="TailCalibration"/> (the distance's tail from its
    /// 97th percentile, the CUSUM's from its 95th), and a burst sum (a CUSUM of the squared distances, slack 5: readings
    /// far from the mean again and again, of either sign; its tail from its 95th percentile). A reading's p is three
    /// times the smallest (Bonferroni), its score 1 − p,
    /// held as the highest of the last <see cref="Hold"/> readings so that one episode is one alarm. Nothing before
    /// <see cref="WarmUp"/> readings. While a shift is under way (its CUSUM rarer than 10⁻³) the CUSUM's tail does not
    /// learn the climb unless both sides move (a noisier series, not a shift), as SPOT leaves alarms out of its tail. A
    /// climb that stays that rare for 20 readings in a row is either a clear new level (the median of the last 7 readings
    /// <see cref="Step"/> deviations or more from the mean) or not: if not (a drift, a wandering series), the tail learns
    /// the climb from then on, so that it becomes ordinary. A clear new level restarts the stage (a CUSUM restarted after
    /// its alarm, as Page's): the mean moves to that median, the CUSUMs start afresh, and the climb's height is kept and learnt only when the episode is over — the
    /// series came back, or moved to yet another level — until it is no longer rare, so that a change during the episode
    /// is judged by a tail that did not learn it, and the same episode again is ordinary. Where the series was before the
    /// shift is kept: a rare climb back towards it, with this reading nearer it than the new level and not past it by more
    /// than ¾ of the shift, is not scored, and once that climb is rarer than 10⁻⁶ and the median of the last 7 is back
    /// within 1.5 deviations, the mean returns there, however long the new level held. A shift that is not a new level
    /// returns the old way: this reading and the median within 1.5 deviations of where it was (within 250 readings, once
    /// 20 have passed). 96 bytes (<see cref="CalibratedBytes"/>).
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
        private const int LearnAgainAfter = 20; // ...and this many in a row make it the series' new level: the CUSUMs restart from it
        private const double ReturnWithin = 1.5; // deviations from where the series was before a shift: a return
        private const double ReturnRare = 1e-6; // a climb towards the old level this rare, with the median there, is the way back
        private const double Past = 0.75;      // of a shift's size: how far past where the series was before it a way back may go
        private const int MaxEpisodeLearning = 200; // an episode's height is learnt at most this often when it ends
        private const double Step = 3;         // deviations the recent median must be from the mean for a lasting climb to be a new level
        private const int AnchorFor = 250;     // readings after a shift not yet a new level during which a return to before it is looked for
        private const double BurstSlack = 5;   // a reading adds its squared distance less this to the burst sum: only distances beyond √5 ≈ 2.2 deviations add up
        private const double BurstClip = 16;   // ...each squared distance counted up to 4 deviations (one sentinel adds no more than a 4σ reading)
        private const int BurstUnlearntFor = 5; // readings a rare burst sum is left out of its tail before it is learnt again (a wandering series' norm)

        private TailCalibration _pointTail;
        private TailCalibration _shiftTail;
        private TailCalibration _burstTail;
        private double _mean;
        private float _variance;
        private float _peak; // the CUSUM's height when the shift under way became a new level (learnt when its episode ends)
        private float _up;
        private float _down;
        private float _heldP; // the held alarm's p (1 − score): a float keeps a tiny p's digits, a score near 1 would not
        private float _anchor; // the mean before the shift under way (see _anchored)
        private float _burst; // the burst sum: a CUSUM of squared distances (see Observe)
        private int _seen;
        private byte _age;
        private byte _anchored; // readings since a shift began (up to AnchorFor), 0 when none is under way; on a new level, eighths of readings since the restart
        private byte _climb; // readings the CUSUM has been rarer than Unlearnt in a row (up to LearnAgainAfter)
        private byte _burstRare; // readings the burst sum has been rarer than Unlearnt and not learnt (up to BurstUnlearntFor)
        private Flags _flags;

        [Flags]
        private enum Flags : byte
        {
            None = 0,
            ShiftHeld = 1, // the held alarm is the CUSUM's
            Seasonal = 2,  // the stage judges residuals from the seasonal shape
            Recentred = 4, // the mean was moved to a shift's new level; _anchor is where the series was before it
            Returning = 8, // ...and the series is on its way back there (see Observe)
            BurstHeld = 16, // the held alarm is the burst sum's
        }

        private bool ShiftHeld
        {
            readonly get => (_flags & Flags.ShiftHeld) != 0;
            set => _flags = value ? _flags | Flags.ShiftHeld : _flags & ~Flags.ShiftHeld;
        }

        private bool BurstHeld
        {
            readonly get => (_flags & Flags.BurstHeld) != 0;
            set => _flags = value ? _flags | Flags.BurstHeld : _flags & ~Flags.BurstHeld;
        }

        private bool Recentred
        {
            readonly get => (_flags & Flags.Recentred) != 0;
            set => _flags = value ? _flags | Flags.Recentred : _flags & ~Flags.Recentred;
        }

        private bool Seasonal
        {
            readonly get => (_flags & Flags.Seasonal) != 0;
            set => _flags = value ? _flags | Flags.Seasonal : _flags & ~Flags.Seasonal;
        }

        /// <summary>About how much time the stage's mean follows at this interval between readings.</summary>
        public static double FollowsMs(double intervalMs) => Span * intervalMs;

        /// <summary>The weighted mean of what the stage judges (the reading, or its residual from the seasonal shape).</summary>
        public readonly double Mean => _mean;

        /// <summary>
        /// Whether a loaded state is one the stage could have reached: the checksum says a file is whole, not that a
        /// crafted save made sense. Two independent reviews: a burst sum of +∞, or of 10³⁰ (in a float 10³⁰ − 5 is
        /// 10³⁰, so it never comes down), alarmed thousands of clean readings; a variance of +∞ blinded the stage for
        /// good; a mean of 10³⁹ made the float anchor +∞ and every later reading throw. Readings reach the stage
        /// clamped to ±10¹⁵, so its mean and anchor stay within that, its variance within (2·10¹⁵)², and its sums
        /// grow by at most 11 a reading (10⁹: years of readings every second); the bounds are far beyond all of it.
        /// </summary>
        public readonly bool InRange =>
            Math.Abs(_mean) <= MaxLevel && Math.Abs(_anchor) <= MaxLevel && _seen >= 0 && _heldP is >= 0 and <= 1 &&
            _variance is >= 0 and <= 1e32f && Sum(_peak) && Sum(_up) && Sum(_down) && Sum(_burst) &&
            _pointTail.InRange && _shiftTail.InRange && _burstTail.InRange;

        private const double MaxLevel = 1e16;

        private static bool Sum(float x) => x is >= 0 and <= 1e9f;

        /// <summary>
        /// An episode is over (the series came back; it moved to another level; its new level held for about 2,000
        /// readings; its seasonal shape is now known): the CUSUM's tail learns the height at which it became a new level
        /// until that height is no longer rare (at most 200 times) — where learning the climb as it came used to leave
        /// it — so that the same episode again is ordinary.
        /// </summary>
        private void LearnEpisode()
        {
            for (var k = 0; k < MaxEpisodeLearning && _peak > 0 && _shiftTail.PValue(_peak) < Unlearnt; k++)
            {
                _shiftTail.Learn(_peak);
            }

            _peak = 0;
        }

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
                _burstTail = new TailCalibration(0.95);
                _mean = value;
                _heldP = 1;
                Seasonal = hasSeasonal;
            }
            else if (hasSeasonal != Seasonal)
            {
                // The seasonal shape was learnt (the mean moves to the residual's scale) or is not known at this hour
                // (the first weekend: it restarts from the recent median, not from one reading, whose noise the CUSUM
                // would take for a shift); either way the CUSUM starts afresh and a shift's anchor, on the old scale,
                // is dropped.
                _mean = hasSeasonal ? _mean - seasonal : (double.IsFinite(recent) ? recent : value);
                Seasonal = hasSeasonal;
                LearnEpisode(); // a new level held until now is the series' own: its climb is learnt before the scale changes
                _up = _down = _burst = 0;
                _anchored = 0;
                _climb = 0;
                _flags &= Flags.ShiftHeld | Flags.BurstHeld | Flags.Seasonal;
            }

            var p = 1.0;
            var shiftWins = false;
            var burstWins = false;
            var level = Math.Abs(_mean + (hasSeasonal ? seasonal : 0));
            usual = _mean + (hasSeasonal ? seasonal : 0);

            // Floors, as the spike rule has: a series held at one value, or counts that are mostly 0, must not make a
            // step of one unit (or of a millionth) "never seen". A count moves like Poisson noise, √n; anything else by
            // at least 10⁻⁴ of its level, and by at least the smallest move it makes (a sparse rate's 0.125).
            var floor = Math.Max(Math.Max(1e-9 + (1e-4 * level), resolution), integers ? Math.Sqrt(Math.Max(1, level)) : 0);
            var unweighted = _seen <= 1 ? 1 : _seen > 60_000 ? 0 : Math.Pow(1 - Beta, _seen - 1); // (1 − β)ⁿ: the variance's weight not yet given to any reading
            var sd = Math.Max(Math.Sqrt(_variance / Math.Max(1e-9, 1 - unweighted)), floor);
            if (_seen >= WarmUp)
            {
                var recentred = Recentred;
                if (recentred && _anchored < AnchorFor && (_seen & 7) == 0 && ++_anchored >= AnchorFor)
                {
                    // A new level that has held for about 2,000 readings is the series' own: its climb is learnt now (a
                    // level that never came back kept the tail tight for good, and alarmed on the seasonal shape's
                    // small offsets once it was learnt: an independent review, 0 → 45 false alarms over 40 seeds).
                    // Where the series was is still kept, for the way back.
                    LearnEpisode();
                }

                if (!recentred && _anchored >= Hold && Math.Abs(value - _anchor) <= ReturnWithin * sd && Math.Abs(recent - _anchor) <= ReturnWithin * sd)
                {
                    // Back where it was before the shift (a plume over, a pump restarted), by this reading and by the
                    // median of the last ones (one reading near it during a small shift is noise): the mean returns
                    // there at once and the CUSUMs start afresh, so the way back is not a second shift.
                    _mean = _anchor;
                    _up = _down = _burst = 0;
                    _anchored = 0;
                }
                else if (!recentred && _anchored > 0)
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
                var towardAnchor = _anchor > _mean ? _up > _down : _down > _up;
                // How far this reading, and the median of the last ones, are from the old level towards the new one
                // (negative: past the old level), and how far past it a way back may go.
                var shifted = Math.Abs(_mean - _anchor);
                var back = (value - _anchor) * Math.Sign(_mean - _anchor);
                var recentBack = (recent - _anchor) * Math.Sign(_mean - _anchor);
                var past = Past * shifted;
                var returning = (_flags & Flags.Returning) != 0 ? recentBack >= -past : back >= -past && back < shifted / 2;
                if (recentred && shiftP < Unlearnt && towardAnchor && returning)
                {
                    // A shift's new level left for where the series was before it, by its CUSUM (a rare climb that way)
                    // and by this reading: the way back, not a new shift, however long the level held. Once the median of
                    // the last readings is back there too, the mean returns there and the CUSUMs start afresh. (A reading
                    // and the median near the old level alone were not enough here: during a 2σ shift they are, now and
                    // then, and the mean snapped back only to find the shift again.)
                    var certain = shiftP < ReturnRare;
                    shiftP = 1;
                    _flags |= Flags.Returning;
                    if (certain && Math.Abs(recent - _anchor) <= ReturnWithin * sd && Math.Abs(recent - _anchor) < Math.Abs(recent - _mean))
                    {
                        LearnEpisode();
                        _mean = _anchor;
                        _up = _down = _burst = 0;
                        _anchored = _climb = 0;
                        _flags &= ~(Flags.Recentred | Flags.Returning);
                    }
                }
                else
                {
                    _flags &= ~Flags.Returning;
                    if (shiftP < Unlearnt && _anchored == 0)
                    {
                        // A shift begins: where the series was is kept, for its way back (after a restart, it stays the
                        // level before the first shift: a rare moment on the new level must not replace it).
                        _anchor = (float)_mean;
                        _anchored = 1;
                    }

                    // A CUSUM climbs reading after reading through a shift: learning each height as an ordinary peak
                    // made the shift its own norm while it lasted (a 4σ shift of 30 readings peaked at p = 3·10⁻⁴). So a
                    // rare height is not learnt (SPOT leaves alarms out of its tail the same way), unless both sides move
                    // (a noisier series, not a shift). After 20 rare readings in a row, a climb whose recent median is not
                    // 3 deviations from the mean (a drift, a wandering series) is learnt from then on, as always; a clear
                    // new level restarts the stage on it, and its height waits in _peak until the episode is over
                    // (LearnEpisode). Learning the climb from its 21st reading had meant learning any second change during
                    // it as it came: a second 5σ step was found on 0 of 20 seeds (20 now). Restarting on every lasting
                    // climb without learning it made a shift that recurs alarm every time (a duty cycle: 40 → 400 over 40
                    // seeds), and restarting below 3 deviations made wandering series alarm more (AR 0.99 at 1 s 19 → 31).
                    _climb = shiftP < Unlearnt ? (byte)Math.Min(_climb + 1, LearnAgainAfter) : (byte)0;
                    if (!(shiftP < Unlearnt) || Math.Min(_up, _down) > 0 || (_climb >= LearnAgainAfter && !(Math.Abs(recent - _mean) >= Step * sd)))
                    {
                        _shiftTail.Learn(cusum);
                    }
                    else if (_climb >= LearnAgainAfter)
                    {
                        LearnEpisode(); // a new level after another: the one before is over (nothing when there was none)
                        _peak = (float)cusum;
                        _mean = double.IsFinite(recent) ? recent : value;
                        _up = _down = _burst = 0;
                        _climb = 0;
                        _anchored = 1;
                        Recentred = true;
                    }
                }

                // The burst sum: readings far from the mean, again and again, of either sign (Page's CUSUM of the
                // squared distance, slack 5, each counted up to 16). A run of 3–4σ readings that the point tail finds
                // ordinary one by one and the CUSUM (slack 1, fitted to the series' slow wander) does not single out:
                // a pump's flow that starts to surge, a sensor that starts to swing. Its tail learns as the CUSUM's
                // does, except a rare sum, which is left out for 5 readings (SPOT) and learnt after that, so that a
                // wandering series' bursts become its norm; it is not scored on the way back from a shift, and starts
                // afresh wherever the mean is moved; its alarms are "burst" (many recent readings far from the usual level).
                // Measured on the corpus and on the shapes in bench/detector-research.
                _burst = (float)Math.Max(0, _burst + Math.Min(z * z, BurstClip) - BurstSlack);
                var burstP = dayCovered && (_flags & Flags.Returning) == 0 ? _burstTail.PValue(_burst) : 1;
                if (burstP < Unlearnt && _burstRare < BurstUnlearntFor)
                {
                    _burstRare++;
                }
                else
                {
                    _burstRare = burstP < Unlearnt ? _burstRare : (byte)0;
                    // Once rare, a sum is learnt no higher than the height its tail puts at 10⁻³: learning a burst's
                    // whole climb had left the tail blind for about a day to the next one (an independent review: a
                    // second swing 1,000–10,000 readings after a first found 0 of 40, now 5–40). While a shift is under
                    // way (its anchor kept) the climb is learnt whole, as before: a shift, its way back and the same
                    // excursion recurring stay one alarm (capped there too, a 5σ excursion every 600 readings alarmed
                    // 41 → 63 times over 40 seeds). So after a shift, or a run of sentinels that looked like one, the
                    // burst sum is still blind for a while (README, known limits).
                    _burstTail.Learn(burstP < Unlearnt && !(Recentred || _anchored > 0) ? Math.Min(_burst, _burstTail.At(Unlearnt)) : _burst);
                }

                burstWins = burstP < Math.Min(pointP, shiftP);
                shiftWins = !burstWins && shiftP < pointP;
                p = Math.Min(1, 3 * Math.Min(pointP, Math.Min(shiftP, burstP)));
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
            }

            _seen = Math.Min(_seen + 1, int.MaxValue - 1);
            if (p <= _heldP || _age >= Hold)
            {
                _heldP = (float)p;
                ShiftHeld = shiftWins;
                BurstHeld = burstWins;
                _age = 0;
            }
            else
            {
                _age++;
            }

            var (burst, shift) = p <= _heldP ? (burstWins, shiftWins) : (BurstHeld, ShiftHeld);
            detector = burst ? "burst" : shift ? "shift" : "point";
            return 1 - Math.Min(p, _heldP);
        }
    }
}
