# A GPU search server: CUDA 12 and cuDNN 9 (what ONNX Runtime 1.24's CUDA provider loads), Temurin's Java 25 (the
# SIMD JPEG decoder and libheif are bound through the FFM API, Java 22+), libturbojpeg, libheif with its HEVC and AV1
# decoder plugins (Ubuntu 24.04's libheif 1.17 has no built-in decoders), and the release archive. Not built or run
# on the project's own machines (no Docker engine, no GPU there).
#   ./dreamsim dist                                    # writes target/dreamsim-VERSION.tar.gz
#   docker build -t dreamsim --build-arg VERSION=0.1.0-SNAPSHOT .
#   docker run --gpus all -p 8080:8080 -v ~/Pictures:/photos:ro -v dreamsim-data:/data \
#     -v "$PWD/models:/models:ro" dreamsim
# The model is exported once on a machine with Python and internet (./dreamsim model export) and mounted at /models;
# an fp16 copy exported on a GPU machine (model export --fp16, measured on CUDA) is used in place of the float32 file.
FROM eclipse-temurin:25-jre-noble AS java
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends libturbojpeg libheif1 libheif-plugin-libde265 libheif-plugin-dav1d \
 && rm -rf /var/lib/apt/lists/*
COPY --from=java /opt/java/openjdk /opt/java/openjdk
ARG VERSION
ADD target/dreamsim-${VERSION}.tar.gz /opt/
RUN ln -s /opt/dreamsim-${VERSION} /opt/dreamsim \
 && for f in dreamsim-ensemble dreamsim-ensemble-fp16; do for x in .onnx .json .golden.json; do \
      ln -s /models/$f$x /opt/dreamsim/models/$f$x; done; done
ENV JAVA_HOME=/opt/java/openjdk DREAMSIM_INDEX=/data/index
EXPOSE 8080
ENTRYPOINT ["/opt/dreamsim/bin/dreamsim"]
CMD ["serve", "--host", "0.0.0.0", "--device", "cuda", "--batch", "32", "--library", "/photos"]
