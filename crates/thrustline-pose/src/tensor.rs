//! MediaPipe's `ImageToTensorCalculator` on CPU: an affine warp of the frame into the model's
//! square input, then bytes to floats in the model's range.

use opencv::core::{Mat, Scalar, Size, CV_8UC3};
use opencv::imgproc;
use opencv::prelude::*;

use crate::error::PoseError;

/// A reusable input buffer for one model: the warped crop and its float tensor (NHWC).
pub struct InputTensor {
    side: i32,
    crop: Mat,
    pub data: Vec<f32>,
}

impl InputTensor {
    pub fn new(side: i32) -> Result<Self, PoseError> {
        Ok(Self {
            side,
            crop: Mat::new_rows_cols_with_default(side, side, CV_8UC3, Scalar::all(0.0))?,
            data: vec![0.0; (side * side * 3) as usize],
        })
    }

    pub fn shape(&self) -> [usize; 4] {
        [1, self.side as usize, self.side as usize, 3]
    }

    /// Fills the tensor: output pixel (u, v) samples the frame at `m · (u, v, 1)` (bilinear,
    /// `border` outside the frame), then maps bytes to `[min, max]`.
    pub fn fill(
        &mut self,
        rgb: &Mat,
        m: [[f32; 3]; 2],
        border: i32,
        min: f32,
        max: f32,
    ) -> Result<(), PoseError> {
        let m = Mat::from_slice_2d(&m.map(|row| row.map(f64::from)))?;
        imgproc::warp_affine(
            rgb,
            &mut self.crop,
            &m,
            Size::new(self.side, self.side),
            imgproc::INTER_LINEAR | imgproc::WARP_INVERSE_MAP,
            border,
            Scalar::all(0.0),
        )?;
        let scale = (max - min) / 255.0;
        for (d, &b) in self.data.iter_mut().zip(self.crop.data_bytes()?) {
            *d = f32::from(b) * scale + min;
        }
        Ok(())
    }
}
