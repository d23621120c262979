output "snapshot_bucket" {
  description = "Bucket holding the node's chain-data snapshots."
  value       = aws_s3_bucket.snapshots.bucket
}
