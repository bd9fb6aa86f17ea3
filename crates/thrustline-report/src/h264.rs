//! A video every browser and phone plays: H.264 (`yuv420p`, `+faststart`) through FFmpeg's
//! libx264, VP9 where libx264 is missing; each frame given is encoded (no frame dropped or
//! duplicated: one timestamp step per frame at the stream's own rate).

use std::path::Path;

use ffmpeg_next as ff;
use opencv::core::Mat;
use opencv::prelude::*;

use crate::ReportError;

/// libx264's speed preset, chosen by measurement: `analyze` of the 60 fps barbell clip (316
/// frames at 406x720) took 3.40-3.45 s with `superfast`, 3.5-3.75 s with no video at all (noise),
/// 3.66-4.01 s `ultrafast` and 4.2-4.5 s `veryfast`; the file 1.09 MB against 1.78 (ultrafast),
/// 0.37 (veryfast) and 3.46 MB for MPEG-4 Part 2 (Intel Xeon, 2 cores, 2026-12-04).
const X264_PRESET: &str = "superfast";
/// Live recording: the encoder's thread must never fall behind the camera while inference takes
/// the cores; `ultrafast` cost the 60 fps clip's analysis 0.1–0.4 s over no video at all.
const X264_LIVE_PRESET: &str = "ultrafast";
/// Constant-quality factor (libx264's default; lower is larger and sharper).
const X264_CRF: &str = "23";
/// Matroska's longest cluster, ms: its muxer holds a cluster in memory until it closes (5 s
/// by default), so a live recording killed mid-set lost up to that much, or all of a short one.
const MKV_CLUSTER_MS: &str = "1000";
/// Longest stretch between keyframes, seconds. A coach's page seeks by click and steps back frame
/// by frame: each seek decodes from the keyframe before it, and x264's default of 250 frames is
/// 8.3 s at 30 fps. Two seconds cost the side bridge's video 5.5 % in size (ffmpeg's libx264 at
/// the same preset and quality, 549 kB against 520 kB).
const KEYFRAME_EVERY_S: f64 = 2.0;
/// VP9's constant quality when libx264 is missing (its documented 15–35 range, mid).
const VP9_CRF: &str = "32";

fn err(what: &str, e: ff::Error) -> ReportError {
    ReportError::Image(format!("{what}: {e}"))
}

pub struct WebVideo {
    octx: ff::format::context::Output,
    encoder: ff::encoder::Video,
    scaler: ff::software::scaling::Context,
    /// RGB24 → YUV, made at the first RGB frame.
    rgb_scaler: Option<ff::software::scaling::Context>,
    bgr: ff::frame::Video,
    rgb: Option<ff::frame::Video>,
    yuv: ff::frame::Video,
    enc_tb: ff::Rational,
    step: i64,
    next_pts: i64,
    width: u32,
    height: u32,
    pub codec: &'static str,
}

impl WebVideo {
    /// An MP4 (or Matroska, by the extension) at `path` for frames of `width`×`height` (even)
    /// at `fps`; `threads` encoder threads (the encoder shares the machine with inference).
    pub fn create(
        path: &Path,
        fps: f64,
        width: u32,
        height: u32,
        threads: usize,
    ) -> Result<Self, ReportError> {
        Self::create_with(path, fps, width, height, threads, X264_PRESET)
    }

    /// [`Self::create`] with libx264's cheapest preset, for recording live beside inference.
    pub fn create_live(path: &Path, fps: f64, width: u32, height: u32) -> Result<Self, ReportError> {
        Self::create_with(path, fps, width, height, 1, X264_LIVE_PRESET)
    }

    fn create_with(
        path: &Path,
        fps: f64,
        width: u32,
        height: u32,
        threads: usize,
        preset: &str,
    ) -> Result<Self, ReportError> {
        ff::init().map_err(|e| err("FFmpeg", e))?;
        let (codec, name, opts) = if let Some(c) = ff::encoder::find_by_name("libx264") {
            let mut o = ff::Dictionary::new();
            o.set("preset", preset);
            o.set("crf", X264_CRF);
            (c, "H.264", o)
        } else if let Some(c) = ff::encoder::find_by_name("libvpx-vp9") {
            let mut o = ff::Dictionary::new();
            o.set("crf", VP9_CRF);
            o.set("b", "0");
            o.set("deadline", "realtime");
            o.set("cpu-used", "8");
            (c, "VP9", o)
        } else {
            return Err(ReportError::Image("FFmpeg has neither libx264 nor libvpx-vp9".into()));
        };
        // MP4 for browsers; Matroska (`.mkv`) where a recording must stay playable up to a cut.
        let mkv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("mkv"));
        let container = if mkv { "matroska" } else { "mp4" };
        let mut octx =
            ff::format::output_as(&path, container).map_err(|e| err(&path.display().to_string(), e))?;
        let global_header = octx.format().flags().contains(ff::format::Flags::GLOBAL_HEADER);
        // Frame times in thousandths of the rate: 29.97 fps is 1000/29970 s a frame, exactly.
        let rate = ((fps * 1000.0).round() as i32).max(1);
        let enc_tb = ff::Rational(1, rate);
        let mut ctx =
            ff::codec::context::Context::new_with_codec(codec).encoder().video().map_err(|e| err(name, e))?;
        ctx.set_width(width);
        ctx.set_height(height);
        ctx.set_format(ff::format::Pixel::YUV420P);
        ctx.set_time_base(enc_tb);
        ctx.set_frame_rate(Some(ff::Rational(rate, 1000)));
        ctx.set_threading(ff::threading::Config {
            kind: ff::threading::Type::Frame,
            count: threads.max(1),
            ..Default::default()
        });
        ctx.set_gop(((fps * KEYFRAME_EVERY_S).round() as u32).max(1));
        // Closed GOPs: every keyframe an IDR that decodes on its own. This encoder's open GOPs
        // (libx264 `open_gop=1`) put a recovery-point I-frame with leading B-frames at 8.3 s
        // that MP4 marks as a seek point, and Chromium failed to decode from it: a review
        // page's seek past it froze the video for good (PIPELINE_ERROR_DECODE).
        let mut flags = ff::codec::Flags::CLOSED_GOP;
        if global_header {
            flags |= ff::codec::Flags::GLOBAL_HEADER;
        }
        ctx.set_flags(flags);
        let encoder = ctx.open_as_with(codec, opts).map_err(|e| err(name, e))?;
        {
            let mut ost = octx.add_stream(codec).map_err(|e| err(name, e))?;
            ost.set_parameters(&encoder);
            ost.set_time_base(enc_tb);
        }
        let mut mux = ff::Dictionary::new();
        // The index at the front: a browser starts playing before the whole file arrives.
        if !mkv {
            mux.set("movflags", "+faststart");
        } else {
            // A live recording on disk as it goes: a crash loses at most its last cluster.
            mux.set("cluster_time_limit", MKV_CLUSTER_MS);
            mux.set("flush_packets", "1");
        }
        octx.write_header_with(mux).map_err(|e| err(&path.display().to_string(), e))?;
        let scaler = ff::software::scaling::Context::get(
            ff::format::Pixel::BGR24,
            width,
            height,
            ff::format::Pixel::YUV420P,
            width,
            height,
            ff::software::scaling::Flags::BILINEAR,
        )
        .map_err(|e| err("colour conversion", e))?;
        Ok(Self {
            octx,
            encoder,
            scaler,
            rgb_scaler: None,
            bgr: ff::frame::Video::new(ff::format::Pixel::BGR24, width, height),
            rgb: None,
            yuv: ff::frame::Video::new(ff::format::Pixel::YUV420P, width, height),
            enc_tb,
            step: 1000,
            next_pts: 0,
            width,
            height,
            codec: name,
        })
    }

    /// Appends one BGR frame of the size given at creation.
    pub fn write(&mut self, bgr: &Mat) -> Result<(), ReportError> {
        let src = self.packed(bgr)?;
        copy_rows(src, &mut self.bgr, self.width as usize * 3);
        self.scaler.run(&self.bgr, &mut self.yuv).map_err(|e| err("colour conversion", e))?;
        self.encode()
    }

    /// Appends one RGB frame of the size given at creation.
    pub fn write_rgb(&mut self, rgb: &Mat) -> Result<(), ReportError> {
        let (w, h) = (self.width, self.height);
        if self.rgb_scaler.is_none() {
            let flags = ff::software::scaling::Flags::BILINEAR;
            let yuv = ff::format::Pixel::YUV420P;
            self.rgb_scaler = Some(
                ff::software::scaling::Context::get(ff::format::Pixel::RGB24, w, h, yuv, w, h, flags)
                    .map_err(|e| err("colour conversion", e))?,
            );
        }
        let src = self.packed(rgb)?;
        let frame = self.rgb.get_or_insert_with(|| ff::frame::Video::new(ff::format::Pixel::RGB24, w, h));
        copy_rows(src, frame, w as usize * 3);
        if let Some(sc) = self.rgb_scaler.as_mut() {
            sc.run(frame, &mut self.yuv).map_err(|e| err("colour conversion", e))?;
        }
        self.encode()
    }

    /// The next frame written takes the `index`th slot of the stream (0-based), later than the
    /// last: a recording that had to skip frames keeps each at its time, the video's clock the
    /// session's.
    pub fn skip_to(&mut self, index: u64) {
        self.next_pts = self.next_pts.max(index as i64 * self.step);
    }

    /// A continuous 8-bit, 3-channel frame of the video's size, as bytes.
    fn packed<'a>(&self, m: &'a Mat) -> Result<&'a [u8], ReportError> {
        let (w, h) = (self.width as usize, self.height as usize);
        if m.cols() as usize != w || m.rows() as usize != h || m.typ() != opencv::core::CV_8UC3 {
            return Err(ReportError::Image(format!(
                "frame of {}x{} for a {w}x{h} video",
                m.cols(),
                m.rows()
            )));
        }
        if !m.is_continuous() {
            return Err(ReportError::Image("frame not continuous".into()));
        }
        Ok(m.data_bytes()?)
    }

    fn encode(&mut self) -> Result<(), ReportError> {
        self.yuv.set_pts(Some(self.next_pts));
        self.next_pts += self.step;
        self.encoder.send_frame(&self.yuv).map_err(|e| err(self.codec, e))?;
        self.drain()
    }

    fn drain(&mut self) -> Result<(), ReportError> {
        let out_tb = self.octx.stream(0).map(|s| s.time_base()).unwrap_or(self.enc_tb);
        let mut pkt = ff::Packet::empty();
        while self.encoder.receive_packet(&mut pkt).is_ok() {
            pkt.set_stream(0);
            // Each frame lasts one step: without it the muxer's edit list ends at the last
            // frame's start and players drop that frame (a GIF-converted clip lost 1 of 338).
            pkt.set_duration(self.step);
            pkt.rescale_ts(self.enc_tb, out_tb);
            pkt.write_interleaved(&mut self.octx).map_err(|e| err("video", e))?;
        }
        Ok(())
    }

    /// Flushes the encoder and writes the index (moved to the front).
    pub fn finish(mut self) -> Result<(), ReportError> {
        self.encoder.send_eof().map_err(|e| err(self.codec, e))?;
        self.drain()?;
        self.octx.write_trailer().map_err(|e| err("video", e))
    }
}

/// Packed rows of `row_bytes` into a frame whose rows may be padded.
fn copy_rows(src: &[u8], frame: &mut ff::frame::Video, row_bytes: usize) {
    let stride = frame.stride(0);
    let dst = frame.data_mut(0);
    for (y, row) in src.chunks_exact(row_bytes).enumerate() {
        dst[y * stride..y * stride + row_bytes].copy_from_slice(row);
    }
}

/// FFmpeg's encoder for the videos users open, as [`WebVideo`] picks it: libx264, else
/// libvpx-vp9; `None` when FFmpeg has neither.
pub fn web_encoder() -> Option<&'static str> {
    ff::init().ok()?;
    ["libx264", "libvpx-vp9"].into_iter().find(|n| ff::encoder::find_by_name(n).is_some())
}

/// Which of FFmpeg's decoders `names` this FFmpeg lacks.
pub fn missing_decoders<'a>(names: &[&'a str]) -> Vec<&'a str> {
    if ff::init().is_err() {
        return names.to_vec();
    }
    names.iter().copied().filter(|n| ff::decoder::find_by_name(n).is_none()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (frames, last frame's start in seconds) of the video at `p`.
    fn frames_and_last_start(p: &Path) -> (usize, f64) {
        let mut ictx = ff::format::input(&p).unwrap();
        let tb = ictx.stream(0).unwrap().time_base();
        let pts: Vec<i64> = ictx.packets().filter_map(|(_, pkt)| pkt.pts()).collect();
        let last = pts.iter().copied().max().unwrap_or(0);
        (pts.len(), last as f64 * f64::from(tb.numerator()) / f64::from(tb.denominator()))
    }

    /// A live recording that had to skip frames keeps each written frame at its capture time,
    /// so the video stays as long as the take (frames had been packed together, and the video
    /// ran short of the session and out of step with its reps and comments).
    #[test]
    fn skipped_frames_keep_the_recording_on_the_takes_clock() {
        let dir = std::env::temp_dir().join(format!("thrustline-h264-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("skips.mkv");
        let mut w = WebVideo::create_live(&p, 30.0, 64, 48).unwrap();
        let rgb = Mat::new_rows_cols_with_default(48, 64, opencv::core::CV_8UC3, 90.into()).unwrap();
        for i in [0u64, 1, 2, 10, 11, 29] {
            w.skip_to(i);
            w.write_rgb(&rgb).unwrap();
        }
        w.finish().unwrap();
        let (n, last) = frames_and_last_start(&p);
        assert_eq!(n, 6);
        assert!((last - 29.0 / 30.0).abs() < 0.002, "last frame at {last} s");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Every seek point of the web video is an IDR picture, at most two seconds apart: an open
    /// GOP's recovery-point I-frame, marked a seek point at 8.3 s, froze Chromium's player for
    /// good on a coach's seek past it.
    #[test]
    fn every_seek_point_decodes_on_its_own() {
        let dir = std::env::temp_dir().join(format!("thrustline-gop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("gop.mp4");
        let (fps, w, h) = (30.0, 96, 64);
        let mut v = WebVideo::create(&p, fps, w, h, 1).unwrap();
        // A square crossing the frame: motion, so the encoder uses B-frames as on real video.
        for i in 0..300 {
            let mut bgr =
                Mat::new_rows_cols_with_default(h as i32, w as i32, opencv::core::CV_8UC3, 40.into())
                    .unwrap();
            let x = i * 3 % (w as i32 - 16);
            let r = opencv::core::Rect::new(x, 20, 16, 16);
            opencv::imgproc::rectangle(&mut bgr, r, 220.into(), -1, opencv::imgproc::LINE_8, 0).unwrap();
            v.write(&bgr).unwrap();
        }
        v.finish().unwrap();
        let mut ictx = ff::format::input(&p).unwrap();
        let tb = ictx.stream(0).unwrap().time_base();
        let secs = |pts: i64| pts as f64 * f64::from(tb.numerator()) / f64::from(tb.denominator());
        let mut keys = Vec::new();
        for (_, pkt) in ictx.packets() {
            if !pkt.is_key() {
                continue;
            }
            // MP4 carries H.264 as length-prefixed NAL units (4-byte lengths): an IDR slice is
            // NAL type 5.
            let (data, mut at, mut idr) = (pkt.data().unwrap(), 0usize, false);
            while at + 4 < data.len() {
                let len = u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]) as usize;
                idr |= data[at + 4] & 0x1f == 5;
                at += 4 + len;
            }
            assert!(idr, "seek point at {:.2} s is not an IDR picture", secs(pkt.pts().unwrap()));
            keys.push(secs(pkt.pts().unwrap()));
        }
        keys.sort_by(f64::total_cmp);
        assert!(keys.len() >= 5, "seek points {keys:?}");
        for k in keys.windows(2) {
            assert!(k[1] - k[0] <= KEYFRAME_EVERY_S + 1e-6, "seek points {keys:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
