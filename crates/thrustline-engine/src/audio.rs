//! Audio cues for a lifter who cannot watch the screen: a short high tone per counted rep, a
//! falling two-tone when a fault fires, and optional speech (the rep number, the fault's cue)
//! from WAVs rendered by espeak-ng into `assets/cues/` (`thrustline render-cues`).
//!
//! Playback runs on its own thread (the audio stream is not `Send`); a machine without an
//! audio device runs silently after one warning line. The same cues can be written to a WAV
//! track at their stream times (`--audio-wav`), which is how tests hear them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crossbeam_channel::{bounded, Sender, TrySendError};
use thrustline_core::FaultId;

use crate::EngineError;

/// espeak-ng's output rate; tones are made at the same rate so nothing is resampled.
pub const SAMPLE_RATE: u32 = 22_050;
/// Rep tone: a short high beep (A5), easy to hear over gym noise.
const REP_TONE: &[(f32, f32)] = &[(880.0, 0.12)];
/// Fault tone: two falling notes, distinct from the rep beep.
const FAULT_TONE: &[(f32, f32)] = &[(523.0, 0.14), (330.0, 0.20)];
/// Stop-the-set tone: three rising notes (C5 E5 G5), unlike a rep's beep or a fault's fall.
const STOP_TONE: &[(f32, f32)] = &[(523.0, 0.12), (659.0, 0.12), (784.0, 0.24)];
/// Setup tone: the same note twice (E5 E5), a call for attention before the set.
const SETUP_TONE: &[(f32, f32)] = &[(659.0, 0.10), (0.0, 0.06), (659.0, 0.10)];
/// Tone loudness (full scale 1.0); speech is mixed at full scale.
const TONE_GAIN: f32 = 0.5;
/// Fade at each note's edges, so notes do not click.
const FADE_S: f32 = 0.008;
/// Silence between a tone and the speech after it.
const GAP_S: f32 = 0.08;
/// Cues waiting for the device at most; later ones are dropped rather than played late.
const AUDIO_QUEUE: usize = 4;
/// Spoken rep numbers shipped in assets/cues (rep_1.wav … rep_20.wav).
pub const SPOKEN_REPS: u32 = 20;

/// What to say or sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    Rep(u32),
    Fault(FaultId),
    /// The set has slowed past the lifter's velocity-loss limit: last good rep.
    StopSet,
    /// The camera's setup keeps the lifter from being judged: what to fix.
    Setup(thrustline_core::SetupIssue),
}

#[derive(Clone, Debug, Default)]
pub struct AudioOptions {
    /// No device output (the WAV track is still written).
    pub mute: bool,
    /// Speak the rep number and the fault's cue after the tone.
    pub speech: bool,
    /// Also write every cue at its stream time to this WAV file.
    pub wav_out: Option<PathBuf>,
}

impl AudioOptions {
    /// A cue track that cannot be written fails at the start, not after the whole session.
    pub fn check(&self) -> Result<(), crate::EngineError> {
        let Some(p) = &self.wav_out else { return Ok(()) };
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let probe = dir.join(format!(".thrustline-audio-probe.{}", std::process::id()));
        std::fs::write(&probe, b"")
            .map_err(|e| crate::EngineError::Io(format!("the cue track {}", p.display()), e))?;
        let _ = std::fs::remove_file(&probe);
        Ok(())
    }
}

fn tone(notes: &[(f32, f32)]) -> Vec<f32> {
    let sr = SAMPLE_RATE as f32;
    let mut out = Vec::new();
    for &(hz, dur) in notes {
        let n = (dur * sr) as usize;
        let fade = (FADE_S * sr) as usize;
        for i in 0..n {
            let edge = (i.min(n - 1 - i) as f32 / fade as f32).min(1.0);
            out.push(TONE_GAIN * edge * (std::f32::consts::TAU * hz * i as f32 / sr).sin());
        }
    }
    out
}

/// Decodes one of the embedded 16-bit mono WAVs.
fn decode(wav: &[u8]) -> Option<Vec<f32>> {
    let r = hound::WavReader::new(std::io::Cursor::new(wav)).ok()?;
    let spec = r.spec();
    if spec.channels != 1 || spec.sample_rate != SAMPLE_RATE || spec.bits_per_sample != 16 {
        return None;
    }
    r.into_samples::<i16>().map(|s| s.ok().map(|v| f32::from(v) / 32768.0)).collect()
}

/// The samples of a cue: its tone, then the speech when asked for and available.
pub fn render(cue: Cue, speech: bool) -> Vec<f32> {
    let mut out = tone(match cue {
        Cue::Rep(_) => REP_TONE,
        Cue::Fault(_) => FAULT_TONE,
        Cue::StopSet => STOP_TONE,
        Cue::Setup(_) => SETUP_TONE,
    });
    if speech {
        let wav = match cue {
            Cue::Rep(n) => crate::cues::rep(n),
            Cue::Fault(id) => Some(crate::cues::fault(id)),
            Cue::StopSet => Some(crate::cues::STOP_SET),
            Cue::Setup(i) => Some(crate::cues::setup(i)),
        };
        if let Some(s) = wav.and_then(decode) {
            out.extend(std::iter::repeat_n(0.0, (GAP_S * SAMPLE_RATE as f32) as usize));
            out.extend(s);
        }
    }
    out
}

/// Cues laid on a timeline, written as a WAV at the end.
struct Track {
    path: PathBuf,
    samples: Vec<f32>,
}

impl Track {
    fn add(&mut self, t_ms: f64, cue: &[f32]) {
        let at = (t_ms.max(0.0) / 1000.0 * f64::from(SAMPLE_RATE)) as usize;
        if self.samples.len() < at + cue.len() {
            self.samples.resize(at + cue.len(), 0.0);
        }
        for (d, s) in self.samples[at..].iter_mut().zip(cue) {
            *d += s;
        }
    }

    fn write(&self) -> Result<(), EngineError> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: SAMPLE_RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut bytes = std::io::Cursor::new(Vec::new());
        {
            let mut w =
                hound::WavWriter::new(&mut bytes, spec).map_err(|e| EngineError::Audio(e.to_string()))?;
            for &s in &self.samples {
                w.write_sample((s.clamp(-1.0, 1.0) * 32767.0) as i16)
                    .map_err(|e| EngineError::Audio(e.to_string()))?;
            }
            w.finalize().map_err(|e| EngineError::Audio(e.to_string()))?;
        }
        thrustline_report::atomic::write(&self.path, bytes.get_ref())
            .map_err(|e| EngineError::Io(self.path.display().to_string(), e))
    }
}

/// The default output device's name, when one opens; else why not.
pub fn output_device() -> Result<String, String> {
    use rodio::cpal::traits::{DeviceTrait, HostTrait};
    if !has_audio_device() {
        return Err("no sound card (/proc/asound/cards) and no PulseAudio or PipeWire socket".into());
    }
    // The stream is not `Send`: open it on a thread of its own, as playback does.
    std::thread::Builder::new()
        .name("audio-probe".into())
        .spawn(|| {
            let name = rodio::cpal::default_host()
                .default_output_device()
                .and_then(|d| d.name().ok())
                .ok_or_else(|| "no default output device".to_string())?;
            rodio::OutputStream::try_default().map(|_| name).map_err(|e| e.to_string())
        })
        .map_err(|e| e.to_string())?
        .join()
        .unwrap_or_else(|_| Err("the audio probe failed".into()))
}

/// Whether this machine has anything to play sound on. Checked before opening a stream,
/// because ALSA prints its own errors to stderr when there is no card.
fn has_audio_device() -> bool {
    let cards = std::fs::read_to_string("/proc/asound/cards").unwrap_or_default();
    let alsa = !cards.trim().is_empty() && !cards.contains("no soundcards");
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
    let server = runtime.is_some_and(|d| d.join("pulse/native").exists() || d.join("pipewire-0").exists());
    alsa || server || std::env::var_os("PULSE_SERVER").is_some()
}

pub struct Audio {
    device: Option<Sender<Vec<f32>>>,
    track: Option<Track>,
    muted: Arc<AtomicBool>,
    speech: Arc<AtomicBool>,
}

impl Audio {
    /// Opens the default output device; without one, warns once and stays silent.
    pub fn new(opts: &AudioOptions) -> Self {
        let muted = Arc::new(AtomicBool::new(opts.mute));
        let speech = Arc::new(AtomicBool::new(opts.speech));
        let track = opts.wav_out.as_ref().map(|p| Track { path: p.clone(), samples: Vec::new() });
        let device = if opts.mute && opts.wav_out.is_some() { None } else { open_device(!opts.mute) };
        Self { device, track, muted, speech }
    }

    /// A handle the UI flips to mute or unmute.
    pub fn mute_switch(&self) -> Arc<AtomicBool> {
        self.muted.clone()
    }

    pub fn speech_switch(&self) -> Arc<AtomicBool> {
        self.speech.clone()
    }

    /// Plays a cue now and lays it on the track at the frame's time.
    pub fn cue(&mut self, cue: Cue, t_ms: f64) {
        let samples = render(cue, self.speech.load(Ordering::Relaxed));
        if let Some(t) = self.track.as_mut() {
            t.add(t_ms, &samples);
        }
        if self.muted.load(Ordering::Relaxed) {
            return;
        }
        if let Some(tx) = &self.device {
            if let Err(TrySendError::Disconnected(_)) = tx.try_send(samples) {
                self.device = None;
            }
        }
    }

    /// Writes the WAV track, if one was asked for.
    pub fn finish(&mut self) -> Result<(), EngineError> {
        match self.track.take() {
            Some(t) => t.write(),
            None => Ok(()),
        }
    }
}

fn open_device(warn: bool) -> Option<Sender<Vec<f32>>> {
    if !has_audio_device() {
        // Muted from the start, the lifter asked for silence: no need to say there is no sound.
        if warn {
            tracing::warn!("no audio device found; audio cues are off (the screen still shows them)");
        }
        return None;
    }
    let (tx, rx) = bounded::<Vec<f32>>(AUDIO_QUEUE);
    let (ready_tx, ready_rx) = bounded::<Result<(), String>>(1);
    let spawned = std::thread::Builder::new().name("audio".into()).spawn(move || {
        let (_stream, handle) = match rodio::OutputStream::try_default() {
            Ok(s) => s,
            Err(e) => {
                let _ = ready_tx.send(Err(e.to_string()));
                return;
            }
        };
        let sink = match rodio::Sink::try_new(&handle) {
            Ok(s) => s,
            Err(e) => {
                let _ = ready_tx.send(Err(e.to_string()));
                return;
            }
        };
        let _ = ready_tx.send(Ok(()));
        for samples in rx.iter() {
            sink.append(rodio::buffer::SamplesBuffer::new(1, SAMPLE_RATE, samples));
        }
        sink.sleep_until_end();
    });
    if spawned.is_err() {
        tracing::warn!("audio thread could not start; audio cues are off");
        return None;
    }
    match ready_rx.recv() {
        Ok(Ok(())) => Some(tx),
        Ok(Err(e)) => {
            tracing::warn!("audio device unavailable ({e}); audio cues are off");
            None
        }
        Err(_) => None,
    }
}

/// Reads a WAV track back (tests and the bench).
pub fn read_track(path: &Path) -> Result<Vec<f32>, EngineError> {
    let r = hound::WavReader::open(path).map_err(|e| EngineError::Audio(e.to_string()))?;
    r.into_samples::<i16>()
        .map(|s| s.map(|v| f32::from(v) / 32768.0).map_err(|e| EngineError::Audio(e.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rep_and_fault_tones_differ_and_speech_is_appended() {
        let rep = render(Cue::Rep(1), false);
        let fault = render(Cue::Fault(FaultId::FeetTooFar), false);
        assert_ne!(rep.len(), fault.len());
        assert!(rep.iter().all(|s| s.abs() <= TONE_GAIN + 1e-6));
        let spoken = render(Cue::Fault(FaultId::FeetTooFar), true);
        // espeak-ng's sentence is over a second long.
        assert!(spoken.len() > fault.len() + SAMPLE_RATE as usize, "{}", spoken.len());
        let rep_spoken = render(Cue::Rep(3), true);
        assert!(rep_spoken.len() > rep.len() + SAMPLE_RATE as usize / 5);
    }

    #[test]
    fn every_cue_has_speech() {
        for id in FaultId::ALL {
            assert!(decode(crate::cues::fault(id)).is_some_and(|s| s.len() > 1000), "{id:?}");
        }
        for n in 1..=SPOKEN_REPS {
            assert!(crate::cues::rep(n).and_then(decode).is_some_and(|s| s.len() > 1000), "{n}");
        }
        assert!(crate::cues::rep(SPOKEN_REPS + 1).is_none());
    }

    #[test]
    fn track_places_cues_at_their_times() {
        let dir = std::env::temp_dir().join(format!("tl-track-{}", std::process::id()));
        let path = dir.join("cues.wav");
        let mut a = Audio::new(&AudioOptions { mute: true, speech: false, wav_out: Some(path.clone()) });
        a.cue(Cue::Rep(1), 1000.0);
        a.cue(Cue::Fault(FaultId::NoTopSqueeze), 3000.0);
        a.finish().unwrap();
        let s = read_track(&path).unwrap();
        let loud = |from_s: f64, to_s: f64| {
            let (a, b) = ((from_s * 22050.0) as usize, ((to_s * 22050.0) as usize).min(s.len()));
            s[a..b].iter().fold(0.0f32, |m, v| m.max(v.abs()))
        };
        assert!(loud(0.0, 0.99) < 1e-3);
        assert!(loud(1.0, 1.12) > 0.3);
        assert!(loud(1.2, 2.99) < 1e-3);
        assert!(loud(3.0, 3.3) > 0.3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
