/**
 * Resource types whose deletion loses data. The CloudFormation list is cfn-lint's
 * StatefulResources.json (29 types); the Terraform mapping and the GCP/Azure/Kubernetes
 * additions are a hand list.
 */

export const STATEFUL_CFN_TYPES: ReadonlySet<string> = new Set([
  "AWS::Backup::BackupVault",
  "AWS::CloudFormation::Stack",
  "AWS::Cognito::UserPool",
  "AWS::DocDB::DBCluster",
  "AWS::DocDB::DBInstance",
  "AWS::DynamoDB::GlobalTable",
  "AWS::DynamoDB::Table",
  "AWS::EC2::Volume",
  "AWS::EFS::FileSystem",
  "AWS::EMR::Cluster",
  "AWS::ElastiCache::CacheCluster",
  "AWS::ElastiCache::ReplicationGroup",
  "AWS::Elasticsearch::Domain",
  "AWS::FSx::FileSystem",
  "AWS::KMS::Key",
  "AWS::Kinesis::Stream",
  "AWS::Logs::LogGroup",
  "AWS::Neptune::DBCluster",
  "AWS::Neptune::DBInstance",
  "AWS::OpenSearchService::Domain",
  "AWS::Organizations::Account",
  "AWS::QLDB::Ledger",
  "AWS::RDS::DBCluster",
  "AWS::RDS::DBInstance",
  "AWS::Redshift::Cluster",
  "AWS::S3::Bucket",
  "AWS::SDB::Domain",
  "AWS::SQS::Queue",
  "AWS::SecretsManager::Secret",
]);

const STATEFUL_TF_TYPES: ReadonlySet<string> = new Set([
  // AWS, mapped from the CloudFormation list
  "aws_backup_vault",
  "aws_cloudformation_stack",
  "aws_cognito_user_pool",
  "aws_docdb_cluster",
  "aws_docdb_cluster_instance",
  "aws_dynamodb_global_table",
  "aws_dynamodb_table",
  "aws_ebs_volume",
  "aws_efs_file_system",
  "aws_emr_cluster",
  "aws_elasticsearch_domain",
  "aws_kms_key",
  "aws_kinesis_stream",
  "aws_cloudwatch_log_group",
  "aws_neptune_cluster",
  "aws_neptune_cluster_instance",
  "aws_opensearch_domain",
  "aws_organizations_account",
  "aws_qldb_ledger",
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_rds_cluster_instance",
  "aws_rds_global_cluster",
  "aws_redshift_cluster",
  "aws_s3_bucket",
  "aws_simpledb_domain",
  "aws_sqs_queue",
  "aws_secretsmanager_secret",
  "aws_ecr_repository",
  "aws_route53_zone",
  // GCP
  "google_sql_database_instance",
  "google_sql_database",
  "google_storage_bucket",
  "google_kms_crypto_key",
  "google_kms_key_ring",
  "google_bigquery_dataset",
  "google_bigquery_table",
  "google_spanner_instance",
  "google_spanner_database",
  "google_bigtable_instance",
  "google_bigtable_table",
  "google_compute_disk",
  "google_filestore_instance",
  "google_redis_instance",
  "google_firestore_database",
  "google_alloydb_cluster",
  "google_alloydb_instance",
  "google_secret_manager_secret",
  // Azure
  "azurerm_resource_group",
  "azurerm_storage_account",
  "azurerm_storage_container",
  "azurerm_mssql_server",
  "azurerm_mssql_database",
  "azurerm_postgresql_flexible_server",
  "azurerm_mysql_flexible_server",
  "azurerm_cosmosdb_account",
  "azurerm_key_vault",
  "azurerm_managed_disk",
  "azurerm_redis_cache",
  // Kubernetes provider
  "kubernetes_persistent_volume_claim",
  "kubernetes_persistent_volume_claim_v1",
  "kubernetes_persistent_volume",
  "kubernetes_persistent_volume_v1",
  "kubernetes_namespace",
  "kubernetes_namespace_v1",
  "kubernetes_stateful_set",
  "kubernetes_stateful_set_v1",
]);

/** Families where every member holds data. */
const STATEFUL_TF_PREFIXES = ["aws_elasticache_", "aws_fsx_", "aws_memorydb_", "aws_timestream_"];

export function isStatefulTerraformType(type: string): boolean {
  return STATEFUL_TF_TYPES.has(type) || STATEFUL_TF_PREFIXES.some((p) => type.startsWith(p) && !type.endsWith("_parameter_group") && !type.endsWith("_subnet_group"));
}

export function isStatefulCfnType(type: string): boolean {
  return STATEFUL_CFN_TYPES.has(type);
}
