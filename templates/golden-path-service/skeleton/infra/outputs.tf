output "assets_bucket" {
  description = "Name of the service's assets bucket."
  value       = aws_s3_bucket.assets.bucket
}
